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
    if (kind == "f32 | null" || kind == "i32 | null") s.nullable |= bit;
    if (kind == "f32" || kind == "f32 | null") s.f32 |= bit;
    else if (kind == "i32" || kind == "i32 | null") s.i32 |= bit;
    else if (kind == "number" || kind == "unary" || kind == "binary") s.numbers |= bit;
    else if (kind == "boolean") s.booleans |= bit;
    else s.error = "unknown kind \"" + kind + "\"";
    if (end == params.size()) break;
    start = end + 2;
  }
  return s;
}

}  // namespace bertkit
