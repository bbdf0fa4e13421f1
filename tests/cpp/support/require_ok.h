// PD_REQUIRE_OK(expr): REQUIRE that a Status-returning expression is OK,
// showing the status if not. For suites below the Engine (pager, btree) that
// do not use test_util.h.
#ifndef PD_TESTS_CPP_SUPPORT_REQUIRE_OK_H_
#define PD_TESTS_CPP_SUPPORT_REQUIRE_OK_H_

#include <doctest/doctest.h>

#include "util/status.h"

#define PD_REQUIRE_OK(expr)                    \
  do {                                         \
    ::pd::Status _pd_s = (expr);               \
    INFO(#expr << " -> " << _pd_s.ToString()); \
    REQUIRE(_pd_s.ok());                       \
  } while (0)

#endif  // PD_TESTS_CPP_SUPPORT_REQUIRE_OK_H_
