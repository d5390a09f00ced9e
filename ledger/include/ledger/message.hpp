// ledger/message.hpp — what the library says, as data: a template and its fields, worded by the front end.
//
// The library never chooses a language. Every message it reports (an Error, a problem of an import row or
// an indicator line, a `check` or `verify` line, a warning) is a Message: an English template with named
// fields in braces — "{amount} exceeds the free balance of {pot} ({free})" — and the values of those
// fields. The template is the catalogue key (the gettext msgid): the front end looks it up in its catalogue
// (po/zh_CN.po), substitutes the fields into the translation, and prints it; without a catalogue entry it
// prints the English. A field's value is plain text (an amount, a code, a date: the same in every language)
// or a nested Message (a phrase that is itself worded: "payment of 200.00 元", a kind or level name).
//
// Templates must be string literals, so that the catalogue can be extracted from the code (xgettext
// --keyword=msg:1). english() substitutes the fields into the template itself: what an English user, a log
// or a test that does not care about language reads.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ledger {

class Message;

struct MessageArg {
    std::string name;
    std::string text;                        // a plain value, printed as it is
    std::shared_ptr<const Message> message;  // or a phrase worded like the message itself
};

class Message {
public:
    Message() = default;
    // `text` must be a string literal (the catalogue key); fields are substituted where {name} appears.
    // NOLINTNEXTLINE(google-explicit-constructor): a literal is a template with no fields
    Message(const char* text, std::vector<MessageArg> args = {}) : text_(text), args_(std::move(args)) {}

    const std::string& text() const noexcept { return text_; }
    const std::vector<MessageArg>& args() const noexcept { return args_; }
    bool empty() const noexcept { return text_.empty(); }

    // Text that is not a template (a path, SQLite's own words): printed as it is in every language.
    static Message verbatim(std::string text) {
        Message m;
        m.text_ = std::move(text);
        m.verbatim_ = true;
        return m;
    }
    bool is_verbatim() const noexcept { return verbatim_; }

    // Adds a field: a plain value, or a phrase.
    Message& with(std::string name, std::string value) {
        args_.push_back({std::move(name), std::move(value), nullptr});
        return *this;
    }
    Message& with(std::string name, const char* value) { return with(std::move(name), std::string(value)); }
    Message& with(std::string name, Message phrase) {
        args_.push_back({std::move(name), {}, std::make_shared<const Message>(std::move(phrase))});
        return *this;
    }

    // The template with every field substituted, nested phrases in English too.
    std::string english() const;

    // Substitutes fields into `pattern` (the template or its translation); `word` turns a nested phrase into
    // text. Unknown {names} are kept as written; "{{" and "}}" are literal braces.
    std::string format(std::string_view pattern, const std::function<std::string(const Message&)>& word) const;

private:
    std::string text_;
    std::vector<MessageArg> args_;
    bool verbatim_ = false;
};

// For logs and test failures: the English.
inline std::ostream& operator<<(std::ostream& out, const Message& m) { return out << m.english(); }

// Builds a Message; the name xgettext is told to extract (--keyword=msg:1).
inline Message msg(const char* text) { return Message(text); }

}  // namespace ledger
