/*
 * check_main.h - what every tests/check_*.c does in main(): run its
 * suite with Check, and exit with EXIT_SUCCESS only if every test passed.
 */
#ifndef TLSDIAG_CHECK_MAIN_H
#define TLSDIAG_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int
check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
