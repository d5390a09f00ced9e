// present/i18n.hpp — the language fundflow speaks: Chinese (the default) or English.
//
// Every string the CLI prints is an English msgid looked up in the zh_CN catalogue (po/zh_CN/*.po, compiled
// and embedded in the binary at build time, read by Boost.Locale). English is the msgid itself. tr() words a
// plain UI string written here; word() words a ledger::Message (a template with fields, nested phrases
// worded too). Strings passed to tr() must be literals so that xgettext (--keyword=tr:1) finds them; the test
// i18n/catalogue-complete lists every msg()/tr() string that lacks a translation.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/message.hpp"

namespace fundflow {

enum class Language { zh, en };

// "zh" or "en" (also "zh_CN", "zh-CN", "en_US"...); nullopt for anything else.
std::optional<Language> parse_language(std::string_view code);

// The language of everything printed from now on (default: zh).
void set_language(Language language);
Language language();

// The language asked for before the command line is parsed (help texts are worded while the command table
// is built): the last valid --lang VALUE / --lang=VALUE in argv, else $FUNDFLOW_LANG, else zh. A
// FUNDFLOW_LANG that is neither is put in `bad`, so the caller can refuse it (exit 2).
Language language_from(int argc, const char* const* argv, std::string* bad);

// A plain UI string: its translation in Chinese, `english` itself in English (or when it has none).
std::string tr(const char* english);

// A message of the library or the CLI: template translated, fields substituted (nested phrases worded the
// same way); verbatim text as it is. In the language of set_language().
std::string word(const ledger::Message& message);

// The same in `language`, whatever set_language() says: what a server answering requests in several
// languages at once calls (it reads only the embedded catalogue, so any thread may call it).
std::string word(Language language, const ledger::Message& message);

// The catalogue's translation of `english`, if it has one (for tests and the completeness check).
std::optional<std::string> translation(std::string_view english);

}  // namespace fundflow
