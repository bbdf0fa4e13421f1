// Dispatcher: DynamoDB operation name -> handler, the whole request path
// in front of the handlers:
//
//   body --parse--> JSON --operation lookup--> spec check (api/spec.h, the
//   operation's OperationSpec) --> handler(ctx, normalized request) --> response
//
// Errors, in the order DynamoDB raises them:
//   - a body that is not JSON: SerializationException (no message, as DynamoDB)
//   - an operation name the dispatcher does not serve: UnknownOperationException
//     (no message, as DynamoDB)
//   - an empty body: SerializationException (no message)
//   - a body that is JSON but not an object, wrong member types, constraint
//     violations, the operation's custom checks: see api/spec.h
//   - whatever the handler returns
//   - any std::exception escaping a handler or the checks: InternalServerError
//     carrying what(); nothing is thrown past Execute.
//
// Operations are listed explicitly by whoever builds the Dispatcher (one
// place, the engine), each with its spec and handler:
//   Dispatcher d({{"PutItem", &PutItemSpec(), &HandlePutItem}, ...});
// A handler receives the request after the spec check, so it sees only
// declared members with the declared JSON types (see NormalizeRequest).
//
// Context is what a handler may use besides the request. It is owned by the
// caller and must outlive the Execute call; handlers must not keep pointers
// into it or into the request after they return.
#ifndef PD_API_DISPATCH_H_
#define PD_API_DISPATCH_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/error.h"
#include "api/spec.h"

namespace pd {
namespace api {

struct Context {
  // Milliseconds since the Unix epoch (CreationDateTime, TTL, idempotency
  // windows). Injectable so tests control time; empty means the system clock.
  std::function<int64_t()> clock;

  // clock() if set, else the system clock's now.
  int64_t NowMs() const;
};

// Runs one validated request. Returns the response object (DynamoDB JSON),
// or the response text the handler wrote itself (api/response_text.h
// ResponseText: a top-level JSON string), or the DdbError to send.
using Handler = std::function<DdbResult<nlohmann::json>(Context&, const nlohmann::json& request)>;

struct Operation {
  std::string name;                   // "PutItem"
  // The request spec's accessor (built on its first call, so a new engine
  // builds no spec it is not asked to check); nullptr = no checks (tests only).
  const OperationSpec& (*spec)() = nullptr;
  Handler handler;                    // REQUIRES: non-empty
};

class Dispatcher {
 public:
  // REQUIRES: operation names are unique and every handler is non-empty.
  explicit Dispatcher(std::vector<Operation> operations);

  // Runs `operation` on the raw request body (JSON text). The DOM entry
  // points (Execute, ExecuteJson, ExecuteToWire) always return a response
  // object: text a handler wrote itself is parsed for them.
  DdbResult<nlohmann::json> Execute(Context& ctx, std::string_view operation,
                                    std::string_view body) const;
  // Same, for a request that is already parsed.
  DdbResult<nlohmann::json> ExecuteJson(Context& ctx, std::string_view operation,
                                        const nlohmann::json& request) const;
  // Execute, then the wire form: the response, or DdbError::ToJson().
  nlohmann::json ExecuteToWire(Context& ctx, std::string_view operation,
                               std::string_view body) const;
  // The wire text of ExecuteToWire, without a DOM where the handler wrote
  // its response as text: ExecuteToWire(...).dump(), byte for byte. *ok
  // (if given) says which it is: true a response, false an error JSON.
  std::string ExecuteToText(Context& ctx, std::string_view operation, std::string_view body,
                            bool* ok = nullptr) const;

  // True if `operation` is served.
  bool Serves(std::string_view operation) const { return Find(operation) != nullptr; }

 private:
  const Operation* Find(std::string_view operation) const;
  DdbResult<nlohmann::json> Run(Context& ctx, const Operation& op,
                                const nlohmann::json& request) const;
  // Execute without parsing pre-written response text.
  DdbResult<nlohmann::json> ExecuteRaw(Context& ctx, std::string_view operation,
                                       std::string_view body) const;

  std::vector<Operation> operations_;  // sorted by name
};

}  // namespace api
}  // namespace pd

#endif  // PD_API_DISPATCH_H_
