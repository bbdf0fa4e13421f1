#include "api/dispatch.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "api/ops/common_spec.h"
#include "api/response_text.h"

namespace pd {
namespace api {

using nlohmann::json;

int64_t Context::NowMs() const {
  if (clock) return clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Dispatcher::Dispatcher(std::vector<Operation> operations) : operations_(std::move(operations)) {
  std::sort(operations_.begin(), operations_.end(),
            [](const Operation& a, const Operation& b) { return a.name < b.name; });
}

const Operation* Dispatcher::Find(std::string_view operation) const {
  auto it = std::lower_bound(
      operations_.begin(), operations_.end(), operation,
      [](const Operation& op, std::string_view name) { return op.name < name; });
  if (it == operations_.end() || it->name != operation) return nullptr;
  return &*it;
}

DdbResult<json> Dispatcher::Run(Context& ctx, const Operation& op, const json& request) const {
  try {
    if (op.spec == nullptr) return op.handler(ctx, request);
    // Maps the checks decode are kept for this request's handler only.
    struct Forget {
      Forget() { ForgetCheckedMaps(); }
      ~Forget() { ForgetCheckedMaps(); }
    } forget;
    json normalized;  // used only when the request is not in normal form already
    DdbResult<const json*> checked = CheckRequest(op.spec(), request, &normalized);
    if (!checked.ok()) return checked.take_error();
    return op.handler(ctx, **checked);
  } catch (const std::exception& e) {
    return DdbError::InternalServerError(e.what());
  } catch (...) {
    return DdbError::InternalServerError("unknown internal error");
  }
}

DdbResult<json> Dispatcher::Execute(Context& ctx, std::string_view operation,
                                    std::string_view body) const {
  DdbResult<json> result = ExecuteRaw(ctx, operation, body);
  if (result.ok() && IsResponseText(*result)) return ResponseDom(std::move(result).value());
  return result;
}

DdbResult<json> Dispatcher::ExecuteRaw(Context& ctx, std::string_view operation,
                                       std::string_view body) const {
  try {
    json request;
    if (!body.empty()) {
      request = ParseJson(body, /*allow_exceptions=*/false);
      if (request.is_discarded()) return DdbError::Serialization("");
    }
    const Operation* op = Find(operation);
    if (op == nullptr) return DdbError::UnknownOperation();
    if (body.empty()) return DdbError::Serialization("");
    return Run(ctx, *op, request);
  } catch (const std::exception& e) {
    return DdbError::InternalServerError(e.what());
  } catch (...) {
    return DdbError::InternalServerError("unknown internal error");
  }
}

DdbResult<json> Dispatcher::ExecuteJson(Context& ctx, std::string_view operation,
                                        const json& request) const {
  const Operation* op = Find(operation);
  if (op == nullptr) return DdbError::UnknownOperation();
  DdbResult<json> result = Run(ctx, *op, request);
  if (result.ok() && IsResponseText(*result)) return ResponseDom(std::move(result).value());
  return result;
}

json Dispatcher::ExecuteToWire(Context& ctx, std::string_view operation,
                               std::string_view body) const {
  DdbResult<json> result = Execute(ctx, operation, body);
  if (!result.ok()) return result.error().ToJson();
  return std::move(result).value();
}

std::string Dispatcher::ExecuteToText(Context& ctx, std::string_view operation,
                                      std::string_view body, bool* ok) const {
  DdbResult<json> result = ExecuteRaw(ctx, operation, body);
  if (ok != nullptr) *ok = result.ok();
  if (!result.ok()) return result.error().ToJson().dump();
  return ResponseWire(std::move(result).value());
}

}  // namespace api
}  // namespace pd
