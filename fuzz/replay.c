/* replay.c - run a fuzz target's LLVMFuzzerTestOneInput over saved inputs, without libFuzzer. */
#include <dirent.h>
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * usage: replay_<target> FILE|DIR ...
 * Each file (each regular file of a directory, in name order) is read into
 * a heap buffer of exactly its size, so that an over-read is caught under
 * ASan or valgrind, and handed to the target once. Exit 0 when every
 * input ran, 1 on an unreadable argument; a crash is the target's.
 */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long	replay_files;

static void
replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	FILE *fp;
	size_t n;

	fp = fopen(path, "rb");
	if (fp == NULL)
		err(1, "%s", path);
	if (fstat(fileno(fp), &st) == -1)
		err(1, "%s", path);
	n = (size_t)st.st_size;
	/* malloc(0) may return NULL; a one-byte buffer still catches reads
	 * of data[0] on an empty input. */
	buf = malloc(n > 0 ? n : 1);
	if (buf == NULL)
		err(1, "%s: %zu bytes", path, n);
	if (n > 0 && fread(buf, 1, n, fp) != n)
		errx(1, "%s: short read", path);
	fclose(fp);
	(void)LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	replay_files++;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
replay_dir(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char **names = NULL, path[4096];
	size_t num = 0, cap = 0, i;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		err(1, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;	/* ., .., .gitkeep */
		if (num == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL)
				err(1, "%s", dir);
		}
		names[num] = strdup(de->d_name);
		if (names[num] == NULL)
			err(1, "%s", dir);
		num++;
	}
	closedir(d);
	if (num > 0)
		qsort(names, num, sizeof(*names), name_cmp);
	for (i = 0; i < num; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(path);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR ...\n", argv[0]);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1)
			err(1, "%s", argv[i]);
		if (S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("%s: %lu inputs\n", argv[0], replay_files);
	return 0;
}
