// The forms as an xlsx workbook: sheet 预算执行情况 and, with an evaluation, sheet 绩效自评表.
#pragma once

#include <optional>
#include <string>

#include "ledger/evaluation.hpp"
#include "ledger/ledger.hpp"

namespace fundflow {

// Throws ledger::Error{storage} when the file cannot be written.
void write_xlsx(const std::string& path, const ledger::ExecutionReport& execution,
                const std::optional<ledger::Evaluation>& evaluation);

}  // namespace fundflow
