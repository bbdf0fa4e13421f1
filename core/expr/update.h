// Applies a checked UpdateExpression to an item, with DynamoDB's semantics
// and messages.
//
//   Result<UpdateExpression> u = ParseAndCheckUpdate(text, ctx);
//   UpdateResult changed;
//   Status s = ApplyUpdate(*u, &item, &changed);   // item is the old item or {key}
//
// Semantics
//   - Every SET value is computed from the item as it was before the update
//     (DynamoDB evaluates all actions against the pre-update item).
//   - SET path = v: creates or replaces. A list index at or past the end
//     appends; several appends to one list land in index order.
//     value ::= operand | operand + operand | operand - operand, with
//     if_not_exists(path, v) (v only if path is absent) and
//     list_append(l1, l2) (l1 followed by l2); + and - are exact Decimal
//     arithmetic.
//   - REMOVE path: deletes an attribute, map entry or list element (absent
//     ones are ignored). List indexes refer to the list before the update,
//     so "REMOVE l[1], l[2]" removes the 2nd and 3rd elements.
//   - ADD path v: N: adds (a missing attribute counts as 0); sets: union
//     (a missing attribute becomes v).
//   - DELETE path v: removes v's elements from the set; an emptied set is
//     removed; a missing attribute is ignored.
//   - The parent of every path (all but its last step) must exist and be a
//     map (last step a name) or a list (last step an index).
//
// Errors (Validation, DynamoDB's ValidationException messages):
//   "The provided expression refers to an attribute that does not exist in the item"
//   "An operand in the update expression has an incorrect data type"
//   "The document path provided in the update expression is invalid for update"
//   Decimal's "Number overflow. ..." / "Number underflow. ..." for a + / -
//   / ADD result out of range; a result needing more than 38 significant
//   digits is also "Number overflow. Attempting to store a number with
//   magnitude larger than supported range", as DynamoDB reports it.
// On error *item is unchanged. Item-level limits (400 KB, nesting depth 32,
// key attributes) are the table/API layer's to check on the result.
//
// REQUIRES: `update` passed CheckUpdate, and the value map it was checked
// against is still alive.
#ifndef PD_EXPR_UPDATE_H_
#define PD_EXPR_UPDATE_H_

#include <vector>

#include "expr/ast.h"
#include "util/status.h"
#include "value/item.h"

namespace pd {
namespace expr {

// Which document paths an update touched, for ReturnValues.
struct UpdateResult {
  // Every action's path as written, in textual order: project the OLD item
  // through these for UPDATED_OLD.
  std::vector<Path> old_paths;
  // Where SET/ADD/DELETE results are in the NEW item (appended list
  // elements at their final index, shifted by list-element REMOVEs): project
  // the new item through these for UPDATED_NEW.
  std::vector<Path> new_paths;
};

Status ApplyUpdate(const UpdateExpression& update, Item* item, UpdateResult* result = nullptr);

}  // namespace expr
}  // namespace pd

#endif  // PD_EXPR_UPDATE_H_
