/*
 * Full TLS handshakes as fast as possible, each asking for the next name of a list by SNI, with
 * no session resumption (no session is ever offered back), for measuring a TLS server.
 *
 *   handshakes HOST PORT NAMES_FILE SECONDS [PROCESSES] [SIGALGS]
 *
 * Prints "handshakes N failures F seconds S". SIGALGS (e.g. "ECDSA+SHA256" or
 * "RSA-PSS+SHA256:RSA+SHA256") limits what the client offers. Certificates are not verified:
 * the handshake is the same work for the server either way.
 * Build: gcc -O2 -o handshakes handshakes.c -lssl -lcrypto
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s HOST PORT NAMES_FILE SECONDS [PROCESSES] [SIGALGS]\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    double seconds = atof(argv[4]);
    int processes = argc > 5 ? atoi(argv[5]) : 1;
    const char *sigalgs = argc > 6 ? argv[6] : NULL;

    FILE *f = fopen(argv[3], "r");
    if (!f) { perror("names"); return 2; }
    size_t cap = 1024, n = 0;
    char **names = malloc(cap * sizeof(char *));
    char line[300];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        if (n == cap) names = realloc(names, (cap *= 2) * sizeof(char *));
        names[n++] = strdup(line);
    }
    fclose(f);
    if (n == 0) { fprintf(stderr, "no names\n"); return 2; }

    int pipes[2];
    if (pipe(pipes)) { perror("pipe"); return 2; }
    for (int p = 0; p < processes; p++) {
        if (fork() == 0) {
            SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
            SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
            SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
            if (sigalgs && !SSL_CTX_set1_sigalgs_list(ctx, sigalgs)) { fprintf(stderr, "bad sigalgs\n"); _exit(2); }
            struct sockaddr_in addr = {0};
            addr.sin_family = AF_INET;
            addr.sin_port = htons(port);
            inet_pton(AF_INET, host, &addr.sin_addr);
            long done = 0, failed = 0;
            size_t next = (n / processes) * p;
            double end = now() + seconds;
            while (now() < end) {
                int fd = socket(AF_INET, SOCK_STREAM, 0);
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                if (connect(fd, (struct sockaddr *) &addr, sizeof addr)) { failed++; close(fd); continue; }
                SSL *ssl = SSL_new(ctx);
                SSL_set_fd(ssl, fd);
                SSL_set_tlsext_host_name(ssl, names[next++ % n]);
                if (SSL_connect(ssl) == 1) done++; else { failed++; ERR_clear_error(); }
                SSL_free(ssl); /* no close_notify wait: the next connection starts at once */
                close(fd);
            }
            char out[64];
            int len = snprintf(out, sizeof out, "%ld %ld\n", done, failed);
            if (write(pipes[1], out, len) != len) _exit(1);
            _exit(0);
        }
    }
    close(pipes[1]);
    double started = now();
    long total = 0, failures = 0, d, fl;
    FILE *in = fdopen(pipes[0], "r");
    while (fscanf(in, "%ld %ld", &d, &fl) == 2) { total += d; failures += fl; }
    while (wait(NULL) > 0) {}
    printf("handshakes %ld failures %ld seconds %.1f\n", total, failures, now() - started);
    return 0;
}
