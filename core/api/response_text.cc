#include "api/response_text.h"

#include <algorithm>

#include "api/json_reader.h"
#include "value/json_codec.h"

namespace pd {
namespace api {

void ObjectText::Add(std::string name, std::string value_text) {
  members_.emplace_back(std::move(name), std::move(value_text));
}

std::string ObjectText::Finish() {
  std::sort(members_.begin(), members_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t size = 2;
  for (const auto& [name, value] : members_) size += name.size() + value.size() + 4;
  std::string out;
  out.reserve(size);
  out.push_back('{');
  for (size_t i = 0; i < members_.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(members_[i].first, &out);
    out.push_back(':');
    out.append(members_[i].second);
  }
  out.push_back('}');
  return out;
}

nlohmann::json ResponseDom(nlohmann::json response) {
  if (!IsResponseText(response)) return response;
  return ParseJson(response.get_ref<const std::string&>(), /*allow_exceptions=*/true);
}

nlohmann::json ParseJson(std::string_view text, bool allow_exceptions) {
  return ReadJson(text, allow_exceptions);
}

std::string ResponseWire(nlohmann::json response) {
  if (IsResponseText(response)) return std::move(response.get_ref<std::string&>());
  return response.dump();
}

}  // namespace api
}  // namespace pd
