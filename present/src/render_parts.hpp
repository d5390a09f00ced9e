// present/src/render_parts.hpp — the small pieces every renderer (render.cpp, render_lists.cpp,
// render_evaluation.cpp) prints with: one definition each, in render.cpp.
#pragma once

#include <string>
#include <string_view>

#include "ledger/money.hpp"

#include "present/render.hpp"

namespace fundflow {

// Text as it is: into the string of this thread's capture_output() when one is running, else to stdout.
// Every renderer writes through here and nowhere else.
void write(std::string_view text);

// The Chinese or the English of a label, by the options' language.
const char* pick(const RenderOptions& o, const char* zh, const char* en);

// Money in the chosen unit: tables use thousands separators in 元; CSV never does.
std::string money(const RenderOptions& o, ledger::Money amount);

// A rate as a percent; an undefined rate is "-" in tables and empty in CSV.
std::string rate(const RenderOptions& o, const ledger::Rate& r);

}  // namespace fundflow
