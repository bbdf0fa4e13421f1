// Evaluation of checked conditions (ConditionExpression, FilterExpression)
// against an item, and document-path lookup shared with update/projection.
//
//   Result<Condition> c = ParseAndCheckCondition(text, kind, ctx);
//   bool keep = Evaluate(*c, item);
//
// Semantics (DynamoDB's; a missing attribute is "no value"):
//   a = b      both present and deeply equal (maps/lists/sets included; N
//              numerically; sets as sets); any types may be compared
//   a <> b     NOT (a = b): true when either side is missing
//   < <= > >=  both present, the same type, and that type S, N or B
//              (S and B by unsigned bytes, N numerically); else false.
//              A value operand of another type is rejected by Check.
//   BETWEEN    a present and low <= a <= high under the rule above
//   IN         a present and equal to one of the listed values
//   attribute_exists(p) / attribute_not_exists(p)
//   attribute_type(p, :t)  p present and of type name :t
//   begins_with(a, b)      both S or both B, and a starts with b
//   contains(a, b)         a S and b S: substring; a B and b B: byte
//                          substring; a a set and b an element of its type
//                          in it; a L and some element equal to b
//   size(a)    S: UTF-16 code units (a character outside the BMP counts 2,
//              as DynamoDB counts); B: bytes; SS/NS/BS: members; M: entries;
//              L: elements; missing for other types (comparisons false)
//   AND OR NOT as usual.
// Evaluation cannot fail: every error DynamoDB reports about a condition is
// found by Check before any item is read.
//
// REQUIRES: the condition passed CheckCondition, and the value map it was
// checked against is still alive.
#ifndef PD_EXPR_EVALUATE_H_
#define PD_EXPR_EVALUATE_H_

#include "expr/ast.h"
#include "value/attribute_value.h"
#include "value/item.h"

namespace pd {
namespace expr {

// True if `item` satisfies `condition`. An absent item is an empty Item.
bool Evaluate(const Condition& condition, const Item& item);

// The value at a document path, or nullptr if some step is missing or of the
// wrong type (a name step into a non-map, an index step into a non-list or
// past its end). The pointer is valid until `item` is modified.
const AttributeValue* ResolvePath(const Item& item, const Path& path);

}  // namespace expr
}  // namespace pd

#endif  // PD_EXPR_EVALUATE_H_
