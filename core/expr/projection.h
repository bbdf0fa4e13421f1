// ProjectionExpression: copies selected document paths out of an item.
//
//   Result<ProjectionExpression> p = ParseAndCheckProjection("a, b.c, l[2]", ctx);
//   Item out = Project(item, p->paths);
//
// The result has the item's shape restricted to the paths: "b.c" yields
// {b: {M: {c: ...}}}, "l[2]" yields {l: {L: [<element 2>]}}. Several
// elements of one list come back in list order (DynamoDB compacts them:
// "l[3], l[1]" gives [<element 1>, <element 3>]), and paths into the same
// map or list element merge. Paths that do not resolve contribute nothing;
// a container none of whose requested parts exist is left out entirely.
// Overlapping paths (rejected by Check) are tolerated: a whole value wins.
//
// Also used for UpdateItem's UPDATED_OLD / UPDATED_NEW (expr/update.h).
#ifndef PD_EXPR_PROJECTION_H_
#define PD_EXPR_PROJECTION_H_

#include <vector>

#include "expr/ast.h"
#include "value/item.h"

namespace pd {
namespace expr {

// A new item holding only `paths` of `item`. REQUIRES: paths are checked
// (placeholders substituted).
Item Project(const Item& item, const std::vector<Path>& paths);

}  // namespace expr
}  // namespace pd

#endif  // PD_EXPR_PROJECTION_H_
