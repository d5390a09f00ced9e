// present/src/i18n.cpp — the zh_CN catalogue (embedded bytes) served to Boost.Locale's gettext reader.
#include "present/i18n.hpp"

#include <boost/locale/gnu_gettext.hpp>
#include <boost/locale/message.hpp>

#include <cstdlib>
#include <cstring>
#include <locale>
#include <memory>
#include <vector>

namespace fundflow {
namespace i18n {
extern const unsigned char kZhCnMo[];
extern const std::size_t kZhCnMoSize;
}  // namespace i18n

namespace {

// Per thread: the service words each request in the language it asked for.
thread_local Language current = Language::zh;

// Boost.Locale looks for PATH/LANG/LC_MESSAGES/DOMAIN.mo through the callback; the only file is the
// embedded catalogue, under a path that names no real directory.
constexpr const char* kDomain = "fundflow";

const boost::locale::message_format<char>& catalogue() {
    static const std::locale locale = [] {
        boost::locale::gnu_gettext::messages_info info;
        info.language = "zh";
        info.country = "CN";
        info.encoding = "UTF-8";
        info.locale_category = "LC_MESSAGES";
        info.domains.emplace_back(kDomain);
        info.paths.emplace_back("embedded:");
        info.callback = [](const std::string& file, const std::string&) {
            const std::string wanted = std::string("/LC_MESSAGES/") + kDomain + ".mo";
            if (file.size() >= wanted.size() && file.compare(file.size() - wanted.size(), wanted.size(), wanted) == 0 &&
                file.rfind("embedded:/zh", 0) == 0) {
                const auto* bytes = reinterpret_cast<const char*>(i18n::kZhCnMo);
                return std::vector<char>(bytes, bytes + i18n::kZhCnMoSize);
            }
            return std::vector<char>();
        };
        return std::locale(std::locale::classic(), boost::locale::gnu_gettext::create_messages_facet<char>(info));
    }();
    return std::use_facet<boost::locale::message_format<char>>(locale);
}

}  // namespace

std::optional<Language> parse_language(std::string_view code) {
    const auto starts = [&](std::string_view prefix) {
        return code == prefix || (code.size() > prefix.size() && code.substr(0, prefix.size()) == prefix &&
                                  (code[prefix.size()] == '_' || code[prefix.size()] == '-' || code[prefix.size()] == '.'));
    };
    if (starts("zh")) {
        return Language::zh;
    }
    if (starts("en")) {
        return Language::en;
    }
    return std::nullopt;
}

void set_language(Language language) { current = language; }

Language language() { return current; }

Language language_from(int argc, const char* const* argv, std::string* bad) {
    Language chosen = Language::zh;
    if (const char* env = std::getenv("FUNDFLOW_LANG"); env != nullptr && *env != '\0') {
        if (const auto l = parse_language(env)) {
            chosen = *l;
        } else if (bad != nullptr) {
            *bad = env;
        }
    }
    // A --lang that is not zh or en is left to the option's own check (exit 2), worded in the language above.
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") {
            break;
        }
        std::optional<Language> l;
        if (arg == "--lang" && i + 1 < argc) {
            l = parse_language(argv[++i]);
        } else if (arg.rfind("--lang=", 0) == 0) {
            l = parse_language(arg.substr(7));
        }
        if (l) {
            chosen = *l;
        }
    }
    return chosen;
}

std::optional<std::string> translation(std::string_view english) {
    if (english.empty()) {
        return std::nullopt;  // "" is the catalogue's header, not a message
    }
    const std::string id(english);
    const char* found = catalogue().get(0, nullptr, id.c_str());
    if (found == nullptr || *found == '\0') {
        return std::nullopt;
    }
    return std::string(found);
}

std::string tr(const char* english) {
    if (current == Language::en) {
        return english;
    }
    return translation(english).value_or(english);
}

std::string word(const ledger::Message& message) { return word(current, message); }

std::string word(Language language, const ledger::Message& message) {
    if (message.is_verbatim()) {
        return message.text();
    }
    const auto nested = [language](const ledger::Message& phrase) { return word(language, phrase); };
    if (language == Language::en) {
        return message.format(message.text(), nested);
    }
    const auto translated = translation(message.text());
    return message.format(translated ? *translated : message.text(), nested);
}

}  // namespace fundflow
