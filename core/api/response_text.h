// Responses written as JSON text, without a nlohmann DOM.
//
// The item-returning handlers (GetItem, Query, Scan, BatchGetItem,
// TransactGetItems, and PutItem/UpdateItem/DeleteItem with Attributes) write
// their response text straight from the stored items
// (value/json_codec.h AppendItemJson) and return it wrapped by
// ResponseText(): a DdbResult<nlohmann::json> holding a JSON *string* at the
// top level, which no real response is (every response is an object). The
// dispatcher's ExecuteToText (what Engine::Execute sends) passes that text on
// as it is; its DOM entry points (Execute, ExecuteJson, ExecuteToWire) parse
// it, so their callers see the same response object either way.
//
// The text must be byte for byte what nlohmann's dump() wrote for the DOM the
// handler built before: members in name order (nlohmann objects are
// std::maps), no whitespace, nlohmann's string escaping. ObjectText keeps the
// member order; the small parts that stay DOMs (ConsumedCapacity,
// UnprocessedKeys, LastEvaluatedKey of an index) go in as their dump().
//
//   ObjectText response;
//   std::string item_text;
//   AppendItemJson(item, &item_text);
//   response.Add("Item", std::move(item_text));
//   if (cc) response.Add("ConsumedCapacity", cc->dump());
//   return ResponseText(response.Finish());
#ifndef PD_API_RESPONSE_TEXT_H_
#define PD_API_RESPONSE_TEXT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pd {
namespace api {

// The members of one JSON object, each given as its name and its value's
// JSON text, written in name order (byte-wise, as nlohmann's std::map).
class ObjectText {
 public:
  // REQUIRES: `value_text` is one JSON value; `name` is not already added.
  void Add(std::string name, std::string value_text);
  bool empty() const { return members_.empty(); }
  // "{" "name":value, ... "}" (the names escaped as dump() escapes them).
  std::string Finish();

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

// A handler's pre-written response text as its result value.
inline nlohmann::json ResponseText(std::string text) { return nlohmann::json(std::move(text)); }

// True if `response` is pre-written text (ResponseText), not a DOM.
inline bool IsResponseText(const nlohmann::json& response) { return response.is_string(); }

// The response as a DOM: pre-written text parsed, a DOM as it is.
nlohmann::json ResponseDom(nlohmann::json response);

// `text` parsed as one JSON value, as json::parse(first, last, nullptr,
// allow_exceptions) does: nothing but whitespace after it; on bad input a
// discarded value (is_discarded()), or json::parse_error thrown when
// allow_exceptions. Every parse of the core (the dispatcher's request,
// ResponseDom, PartiQL's NextToken) goes through here: api/json_reader.h's
// reader, so the wasm holds no nlohmann parser.
nlohmann::json ParseJson(std::string_view text, bool allow_exceptions);

// The response as text: pre-written text as it is, a DOM dump()ed (which
// throws, as it always did, for a string that is not valid UTF-8).
std::string ResponseWire(nlohmann::json response);

}  // namespace api
}  // namespace pd

#endif  // PD_API_RESPONSE_TEXT_H_
