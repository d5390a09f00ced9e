# Writes the compiled catalogue MO as a byte array into the C++ source OUT (run by po/CMakeLists.txt with
# cmake -P), so that the binary carries its translations and looks up no file at run time.
file(READ "${MO}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){24})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUT}.tmp"
"// Generated from po/zh_CN/*.po by po/embed.cmake: the compiled gettext catalogue (zh_CN.mo). Do not edit.
#include <cstddef>

namespace fundflow::i18n {
extern const unsigned char kZhCnMo[];
extern const std::size_t kZhCnMoSize;
const unsigned char kZhCnMo[] = {
    ${bytes}
};
const std::size_t kZhCnMoSize = ${size};
}  // namespace fundflow::i18n
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
