#include "signature.h"

namespace bertkit {

Signature parseSignature(const std::string& text) {
  Signature s;
  const std::string arrow = ") => ";
  const size_t close = text.rfind(arrow);
  if (text.empty() || text[0] != '(' || close == std::string::npos) {
    s.error = "expected (parameters) => result";
    return s;
  }
  const std::string result = text.substr(close + arrow.size());
  if (result != "void" && result != "number") s.error = "unknown result " + result;
  s.returnsNumber = result == "number";
  const std::string params = text.substr(1, close - 1);
  for (size_t start = 0; !params.empty() && s.error.empty();) {
    const size_t end = params.find(", ", start) == std::string::npos ? params.size() : params.find(", ", start);
    const std::string p = params.substr(start, end - start);
    const size_t colon = p.find(": ");
    if (colon == std::string::npos || colon == 0 || s.count >= 32) {
      s.error = "cannot read parameter \"" + p + "\"";
      break;
    }
    const uint32_t bit = uint32_t{1} << s.count++;
    const std::string kind = p.substr(colon + 2);
    if (p[colon - 1] == '?') s.nullable |= bit;
    const bool orNull = kind.size() > 7 && kind.compare(kind.size() - 7, 7, " | null") == 0;
    const std::string base = orNull ? kind.substr(0, kind.size() - 7) : kind;
    const bool array = base == "f32" || base == "i32" || base == "i8" || base == "u8" || base == "u16";
    if (orNull && !array) s.error = "unknown kind \"" + kind + "\"";
    if (orNull) s.nullable |= bit;
    if (!s.error.empty()) break;
    if (base == "f32") s.f32 |= bit;
    else if (base == "i32") s.i32 |= bit;
    else if (base == "i8") s.i8 |= bit;
    else if (base == "u8") s.u8 |= bit;
    else if (base == "u16") s.u16 |= bit;
    else if (kind == "number" || kind == "unary" || kind == "binary") s.numbers |= bit;
    else if (kind == "boolean") s.booleans |= bit;
    else s.error = "unknown kind \"" + kind + "\"";
    if (end == params.size()) break;
    start = end + 2;
  }
  return s;
}

}  // namespace bertkit
