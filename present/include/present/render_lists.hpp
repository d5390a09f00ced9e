// Renderers of the accountant's and auditor's lists (issue 12 item 3): project list, contract list
// (合同台账) and the close entry's memo in words. Like render.hpp: they only format.
#pragma once

#include <string>

#include "ledger/ledger.hpp"
#include "ledger/lists.hpp"

#include "present/render.hpp"

namespace fundflow {

void print_project_list(const RenderOptions& options, const ledger::ProjectList& list);
void print_contract_list(const RenderOptions& options, const ledger::ContractList& list);
// `unit list`: the tree of budget units (预算单位), a parent before its children; JSON {"units": [{code, name,
// parent}]} with parent null for a root.
void print_units(const RenderOptions& options, const std::vector<ledger::Unit>& units);

// A library message in the language of `options` (the embedded catalogue, po/zh_CN/*.po, words it).
std::string word(const RenderOptions& options, const ledger::Message& message);

// The memo as the log and show print it: a close entry's figures in words (2020年度关账：…), any other
// entry's memo as stored.
std::string memo_text(const RenderOptions& options, const ledger::Entry& entry);

}  // namespace fundflow
