#include "ledger/encoding.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <streambuf>

#include "ledger/csv.hpp"
#include "ledger/error.hpp"

namespace ledger {
namespace {

// The length of the longest prefix of `bytes` that is whole, well-formed UTF-8 (no overlongs, no
// surrogates, nothing above U+10FFFF). `incomplete` is set when what follows is the start of a sequence
// cut by the end of `bytes` (more bytes may complete it).
std::size_t utf8_prefix(std::string_view bytes, bool& incomplete) {
    incomplete = false;
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80;  // the range of the second byte, which excludes overlongs and surrogates
        unsigned char high = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            low = c == 0xE0 ? 0xA0 : 0x80;
            high = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            low = c == 0xF0 ? 0x90 : 0x80;
            high = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return i;
        }
        for (std::size_t k = 1; k < length; ++k) {
            if (i + k >= bytes.size()) {
                incomplete = true;
                return i;
            }
            const auto next = static_cast<unsigned char>(bytes[i + k]);
            const unsigned char lo = k == 1 ? low : 0x80;
            const unsigned char hi = k == 1 ? high : 0xBF;
            if (next < lo || next > hi) {
                return i;
            }
        }
        i += length;
    }
    return i;
}

int lines_in(std::string_view bytes) { return static_cast<int>(std::count(bytes.begin(), bytes.end(), '\n')); }

class Iconv {
public:
    Iconv() : cd_(iconv_open("UTF-8", "GB18030")) {
        if (cd_ == reinterpret_cast<iconv_t>(-1)) {
            throw Error(ErrorCode::storage, msg("this system cannot convert GB18030 text (iconv has no GB18030)"));
        }
    }
    ~Iconv() { iconv_close(cd_); }
    Iconv(const Iconv&) = delete;
    Iconv& operator=(const Iconv&) = delete;

    enum class Result { done, incomplete, bad };
    // Converts as much of `in` as it can, appending to `out`; `used` is how many bytes were consumed.
    Result convert(std::string_view in, std::string& out, std::size_t& used) {
        // iconv's interface takes char* for its input, which it does not write.
        char* from = const_cast<char*>(in.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast)
        std::size_t left = in.size();
        std::array<char, 16384> block{};
        Result result = Result::done;
        while (left > 0) {
            char* to = block.data();
            std::size_t room = block.size();
            const std::size_t rc = iconv(cd_, &from, &left, &to, &room);
            out.append(block.data(), block.size() - room);
            if (rc != static_cast<std::size_t>(-1)) {
                continue;
            }
            if (errno == E2BIG) {
                continue;
            }
            result = errno == EINVAL ? Result::incomplete : Result::bad;
            break;
        }
        used = in.size() - left;
        return result;
    }

private:
    iconv_t cd_;
};

bool reads_as_gb18030(std::string_view bytes, bool may_be_cut) {
    Iconv converter;
    std::string ignored;
    std::size_t used = 0;
    const auto result = converter.convert(bytes, ignored, used);
    return result == Iconv::Result::done || (result == Iconv::Result::incomplete && may_be_cut);
}

Message not_utf8(bool looks_gb18030, bool utf8_before) {
    if (utf8_before) {
        return msg("not UTF-8 text, though the Chinese before it is: the file mixes encodings; save it as UTF-8");
    }
    return looks_gb18030 ? msg("not UTF-8 text: this looks like GBK/GB18030 (saved by Excel or WPS): add "
                               "--encoding gb18030 or save the file as UTF-8")
                         : msg("not UTF-8 text (nor GBK/GB18030): save the file as UTF-8");
}

bool has_multibyte(std::string_view bytes) {
    return std::any_of(bytes.begin(), bytes.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80u) != 0; });
}

Message not_gb18030() {
    return msg("not GB18030 text: a byte sequence that is no character (is the file really GBK/GB18030? without "
               "--encoding it is read as UTF-8)");
}

// The problem of `bytes` whose first non-UTF-8 byte is at `bad`; `line` is the line of bytes[0]. A file
// with UTF-8 Chinese before the bad byte (`utf8_before`, or in bytes before `bad`) is not called GBK: it mixes.
EncodingProblem utf8_problem(std::string_view bytes, std::size_t bad, int line, bool may_be_cut, bool utf8_before) {
    EncodingProblem problem;
    problem.line = line + lines_in(bytes.substr(0, bad));
    // Judge by the bad line and what follows it (in a block: up to its last whole line). Only whole lines
    // before it count as UTF-8 Chinese: GBK bytes of the bad line itself may happen to look like UTF-8.
    const std::size_t line_start = bytes.rfind('\n', bad) == std::string_view::npos ? 0 : bytes.rfind('\n', bad) + 1;
    utf8_before = utf8_before || has_multibyte(bytes.substr(0, line_start));
    std::string_view rest = bytes.substr(line_start);
    if (may_be_cut) {
        if (const auto last = rest.rfind('\n'); last != std::string_view::npos) {
            rest = rest.substr(0, last + 1);
        }
    }
    problem.looks_gb18030 = !utf8_before && reads_as_gb18030(rest, may_be_cut);
    problem.message = not_utf8(problem.looks_gb18030, utf8_before);
    return problem;
}

}  // namespace

Encoding parse_encoding(std::string_view name) {
    std::string lower;
    for (const char c : name) {
        lower += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (lower == "utf-8" || lower == "utf8") {
        return Encoding::utf8;
    }
    if (lower == "gb18030" || lower == "gbk" || lower == "gb2312" || lower == "cp936") {
        return Encoding::gb18030;
    }
    throw Error(ErrorCode::invalid_input,
                msg("'{name}' is not an encoding this program reads: use utf-8 or gb18030 (which covers GBK and GB2312)")
                    .with("name", std::string(name)));
}

std::optional<EncodingProblem> check_utf8(std::string_view bytes) {
    bool incomplete = false;
    const std::size_t valid = utf8_prefix(bytes, incomplete);
    if (valid == bytes.size()) {
        return std::nullopt;
    }
    return utf8_problem(bytes, valid, 1, false, false);
}

std::string gb18030_to_utf8(std::string_view bytes) {
    Iconv converter;
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 2);
    std::size_t used = 0;
    if (converter.convert(bytes, out, used) != Iconv::Result::done) {
        throw Error(ErrorCode::invalid_input, msg("line {line}: {problem}")
                                                  .with("line", std::to_string(1 + lines_in(bytes.substr(0, used))))
                                                  .with("problem", not_gb18030()));
    }
    return out;
}

std::string to_utf8(std::string_view bytes, Encoding encoding) {
    if (encoding == Encoding::gb18030) {
        return gb18030_to_utf8(bytes);
    }
    if (auto problem = check_utf8(bytes)) {
        throw Error(ErrorCode::invalid_input, msg("line {line}: {problem}")
                                                  .with("line", std::to_string(problem->line))
                                                  .with("problem", std::move(problem->message)));
    }
    return std::string(bytes);
}

// Reads blocks of the file, checks (UTF-8) or converts (GB18030) them, and serves the UTF-8 text.
class DecodedFile::Buffer : public std::streambuf {
public:
    Buffer(std::istream& source, Encoding encoding) : source_(source), encoding_(encoding) {
        if (encoding_ == Encoding::gb18030) {
            converter_ = std::make_unique<Iconv>();
        }
    }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) {
            return traits_type::to_int_type(*gptr());
        }
        if (!fill()) {
            return traits_type::eof();
        }
        setg(text_.data(), text_.data(), text_.data() + text_.size());
        return traits_type::to_int_type(*gptr());
    }

private:
    // Decodes the next block into text_; false at the end of the file.
    bool fill() {
        text_.clear();
        if (failure_) {
            throw *failure_;
        }
        while (text_.empty()) {
            std::array<char, 65536> block{};
            source_.read(block.data(), static_cast<std::streamsize>(block.size()));
            const auto got = static_cast<std::size_t>(source_.gcount());
            const bool at_end = got < block.size();
            pending_.append(block.data(), got);
            if (pending_.empty()) {
                return false;
            }
            std::size_t used = 0;
            if (encoding_ == Encoding::utf8) {
                bool incomplete = false;
                used = utf8_prefix(pending_, incomplete);
                if (used < pending_.size() && (!incomplete || at_end)) {
                    const auto problem = utf8_problem(pending_, used, line_, !at_end, utf8_before_);
                    failure_ = CsvError(problem.line, 0, problem.message);
                }
                text_.assign(pending_, 0, used);
                utf8_before_ = utf8_before_ || has_multibyte(text_);
            } else {
                const auto result = converter_->convert(pending_, text_, used);
                if (result == Iconv::Result::bad || (result == Iconv::Result::incomplete && at_end)) {
                    failure_ = CsvError(line_ + lines_in(std::string_view(pending_).substr(0, used)), 0, not_gb18030());
                }
            }
            // The text before a bad byte is served first (its rows are checked as usual); the next read throws.
            if (failure_) {
                if (text_.empty()) {
                    throw *failure_;
                }
                return true;
            }
            line_ += lines_in(std::string_view(pending_).substr(0, used));
            pending_.erase(0, used);
            if (at_end && text_.empty()) {
                return false;
            }
        }
        return true;
    }

    std::istream& source_;
    Encoding encoding_;
    std::unique_ptr<Iconv> converter_;
    std::string pending_;  // bytes read but not yet decoded: a character cut by the block's end
    std::string text_;     // the UTF-8 text being served
    int line_ = 1;         // the line of pending_'s first byte
    bool utf8_before_ = false;          // UTF-8 Chinese was served: a bad byte then is a mixed file, not GBK
    std::optional<CsvError> failure_;  // a bad byte after the text served: thrown by the next read
};

DecodedFile::DecodedFile(const std::string& path, Encoding encoding)
    : std::istream(nullptr), file_(path, std::ios::binary) {
    if (!file_) {
        setstate(std::ios::failbit);
        return;
    }
    buffer_ = std::make_unique<Buffer>(file_, encoding);
    rdbuf(buffer_.get());
    // A read that meets a bad byte throws the Buffer's CsvError through the stream (not just badbit).
    exceptions(std::ios::badbit);
}

DecodedFile::~DecodedFile() = default;

}  // namespace ledger
