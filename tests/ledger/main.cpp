// The one Catch2 main of the ledger unit tests (money, calendar, entry, ledger).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
