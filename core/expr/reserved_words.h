// DynamoDB's reserved words: names that cannot appear as bare attribute
// names in an expression ("Attribute name is a reserved keyword; reserved
// keyword: <name>"); an expression attribute name (#placeholder) must be used
// instead. The list is the developer guide's "Reserved words in DynamoDB"
// page: 573 words, matched case-insensitively.
#ifndef PD_EXPR_RESERVED_WORDS_H_
#define PD_EXPR_RESERVED_WORDS_H_

#include <cstddef>
#include <string_view>

namespace pd {
namespace expr {

// True if `name` is a reserved word in any letter case ("Status", "status").
bool IsReservedWord(std::string_view name);

// Number of words in the list (573), for tests.
size_t ReservedWordCount();

}  // namespace expr
}  // namespace pd

#endif  // PD_EXPR_RESERVED_WORDS_H_
