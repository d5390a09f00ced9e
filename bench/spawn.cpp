// fundflow_spawn: runs one command and reports its wall time and peak RSS (bench/measure.py).
//
//   fundflow_spawn RESULT_FILE PROGRAM [ARG...]
//
// Forks, execs PROGRAM (searched in PATH) with the launcher's stdin, stdout and stderr, reaps it with wait4
// and writes "SECONDS MAXRSS_KIB EXIT" to RESULT_FILE (EXIT: the exit code, or 128 + the signal). The time
// is CLOCK_MONOTONIC from before fork to after wait4. The exit status of the launcher is 0 when it could
// run the command, whatever the command's own exit, else 1.
//
// Why not os.wait4 from Python: Linux carries the pre-exec address space's high-water RSS into the child's
// ru_maxrss, so a child forked by a 20 MiB Python interpreter never reports less than 20 MiB. This
// launcher uses only libc (linked --as-needed) and has a peak RSS of ~1 MiB, far below what it measures.
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fputs("usage: fundflow_spawn RESULT_FILE PROGRAM [ARG...]\n", stderr);
        return 1;
    }
    std::FILE* out = std::fopen(argv[1], "w");
    if (out == nullptr) {
        std::fprintf(stderr, "fundflow_spawn: cannot write %s: %s\n", argv[1], std::strerror(errno));
        return 1;
    }
    timespec start{};
    timespec end{};
    clock_gettime(CLOCK_MONOTONIC, &start);
    const pid_t pid = fork();
    if (pid < 0) {
        std::fprintf(stderr, "fundflow_spawn: fork: %s\n", std::strerror(errno));
        return 1;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        std::fprintf(stderr, "fundflow_spawn: cannot run %s: %s\n", argv[2], std::strerror(errno));
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            std::fprintf(stderr, "fundflow_spawn: wait4: %s\n", std::strerror(errno));
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    const double seconds = static_cast<double>(end.tv_sec - start.tv_sec) +
                           static_cast<double>(end.tv_nsec - start.tv_nsec) / 1e9;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::fprintf(out, "%.9f %ld %d\n", seconds, usage.ru_maxrss, code);
    return std::fclose(out) == 0 ? 0 : 1;
}
