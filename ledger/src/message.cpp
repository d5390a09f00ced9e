#include "ledger/message.hpp"

namespace ledger {

std::string Message::format(std::string_view pattern, const std::function<std::string(const Message&)>& word) const {
    if (verbatim_) {
        return text_;
    }
    std::string out;
    out.reserve(pattern.size() + 32);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
            out += c;
            ++i;
            continue;
        }
        if (c == '{') {
            const std::size_t close = pattern.find('}', i + 1);
            if (close != std::string_view::npos) {
                const std::string_view name = pattern.substr(i + 1, close - i - 1);
                const MessageArg* found = nullptr;
                for (const MessageArg& a : args_) {
                    if (a.name == name) {
                        found = &a;
                        break;
                    }
                }
                if (found != nullptr) {
                    out += found->message ? word(*found->message) : found->text;
                    i = close;
                    continue;
                }
            }
        }
        out += c;
    }
    return out;
}

std::string Message::english() const {
    return format(text_, [](const Message& m) { return m.english(); });
}

}  // namespace ledger
