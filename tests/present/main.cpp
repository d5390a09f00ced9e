// The one Catch2 main of the presentation unit tests (present/: JSON, renderers).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
