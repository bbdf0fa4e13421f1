// The integrity check behind Engine::Check() (contract in engine.h): the page
// trees of the catalog, every table, the request tokens, the change log and
// the backups (no page lost or shared), then each one's contents against its
// catalog entry. In its own file so that the wasm build compiles it for size
// (core/CMakeLists.txt's cold list): it runs only when asked, never on a request.
#ifndef PD_ENGINE_CHECK_H_
#define PD_ENGINE_CHECK_H_

#include "pager/pager.h"
#include "table/catalog.h"
#include "table/stream_log.h"
#include "util/status.h"

namespace pd {

// OK, or the first problem found (Corruption, or the storage error).
Status CheckDatabaseContents(Catalog* catalog, Pager* pager, ChangeLog* change_log);

}  // namespace pd

#endif  // PD_ENGINE_CHECK_H_
