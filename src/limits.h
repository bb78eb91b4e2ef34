/* limits.h - every cap tlsdiag enforces, each with why. */
#ifndef TLSDIAG_LIMITS_H
#define TLSDIAG_LIMITS_H

/* Connections tracked at once (default of --max-flows). A busy sensor sees
 * tens of thousands of concurrent handshakes; each idle entry costs about
 * a kilobyte, so a million stays well inside a small machine. */
#define LIMIT_FLOWS_DEFAULT		1000000

/* Bytes buffered per direction before the handshake is settled (default of
 * --max-stream-bytes). A full handshake flight with a long chain is under
 * 64 KiB; 256 KiB leaves room for gaps waiting to fill. */
#define LIMIT_STREAM_BYTES_DEFAULT	(256 * 1024)

/* Bytes held out of order behind a hole per direction; beyond it the hole
 * is declared lost and delivery resumes after it. */
#define LIMIT_OOO_BYTES_DEFAULT		(256 * 1024)

/* Out-of-order segments held per direction, so that a flood of one-byte
 * segments cannot make the queue a long list. */
#define LIMIT_OOO_SEGMENTS		1024

/* Seconds without a packet after which a connection is finished and
 * reported (default of --idle-timeout). Handshakes take milliseconds;
 * a minute covers slow peers and lossy paths. */
#define LIMIT_IDLE_SECONDS_DEFAULT	60

/* Seconds a reported connection's flow is kept (without its data) to
 * absorb the connection's last packets: the ACK of the last FIN, a
 * retransmitted FIN, the answers to a reset, all within a few round trips.
 * Longer would make memory follow the rate of connections times the idle
 * timeout instead of the connections open. The idle timeout caps it. */
#define LIMIT_TOMBSTONE_SECONDS		10

/* Connections reported idle whose tombstones are gone are remembered by
 * their addresses for a day, at most this many (forgot.h), so that their
 * late packets (a FIN or a reset after minutes of silence, more data of a
 * kept-alive session) are said to continue them instead of a connection
 * whose start the capture missed. 72 bytes each and 8 of index; a power
 * of two. Not counted in --max-memory (5 MiB at most, per --threads
 * worker). */
#define LIMIT_FORGOTTEN_SECONDS		86400
#define LIMIT_FORGOTTEN			65536

/* How long a reset connection waits for stragglers before it is reported
 * (default of --linger): an alert reordered behind the RST, the answers
 * to the reset, all within a few round trips. */
#define LIMIT_LINGER_US			(5LL * 1000000)

/* The linger of a connection whose client reset its own attempt before
 * any SYN-ACK (a stale answer from the server): the client may send the
 * same SYN again much later, and that SYN continues the attempt. Windows
 * retries for 21 s. */
#define LIMIT_LINGER_SYN_US		(30LL * 1000000)

/* A connection past its handshake may idle this many idle timeouts
 * since its last packet before it is reported: HTTP keep-alive and pooled
 * connections sit silent for minutes, and reporting them as idle would
 * cut one connection into a report and a midstream remainder. */
#define LIMIT_SETTLED_IDLE_FACTOR	5

/* A leap of the capture clock larger than a day is suspect (a broken
 * clock, a damaged timestamp): it is taken only when the next packet
 * confirms it, or one bad timestamp would expire every connection. */
#define LIMIT_CLOCK_JUMP_US		(86400LL * 1000000)

/* Capture timestamps believed, in microseconds since the epoch:
 * 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z, the span of the
 * four-digit years of the JSON "start" field. Every difference of two such
 * times, plus the longest idle timeout, fits in an int64_t many times
 * over. A packet stamped outside (a damaged pcapng timestamp, an extreme
 * if_tsoffset) is read at the previous packet's time and counted. */
#define LIMIT_TS_MIN_US			0LL
#define LIMIT_TS_MAX_US			253402300799999999LL

/* Global cap on buffered payload across all flows (default of
 * --max-memory, in MiB). When reached, the oldest idle flows are finished
 * and reported, and the eviction is counted. */
#define LIMIT_MEMORY_MB_DEFAULT		1024

/* RFC 8446 5.1 / RFC 5246 6.2.1: TLSPlaintext.length <= 2^14; 6.2.3
 * allows 2^14 + 2048 for ciphertext; TLS 1.3 ciphertext 2^14 + 256. We
 * accept the largest and call anything above it not TLS. */
#define LIMIT_RECORD_BYTES		(16384 + 2048)

/* A handshake message may span records; RFC 8446 allows 2^24-1 but real
 * ones are small. Certificates chains of 64 KiB exist; past 256 KiB we
 * stop reassembling the message and record it as truncated. */
#define LIMIT_HS_MSG_BYTES		(256 * 1024)

/* Certificates per Certificate message that we parse. Real chains have
 * 2-5; the rest are counted, not parsed. */
#define LIMIT_CHAIN_CERTS		16

/* One DER certificate; real ones are 1-4 KiB, a few with huge SAN lists
 * reach 30 KiB. */
#define LIMIT_CERT_BYTES		(64 * 1024)

/* Distinct certificates kept in the parse cache. */
#define LIMIT_CERT_CACHE		65536

/* Acceptable CA names kept from a CertificateRequest. */
#define LIMIT_CA_NAMES			32

/* Items kept from hello lists (cipher suites, groups, extensions, ...). A
 * ClientHello offers well under 100 suites; the total is still counted. */
#define LIMIT_HELLO_LIST		128

/* Bytes kept of a name from the wire (SNI, ALPN protocol); DNS names are
 * at most 253 bytes. */
#define LIMIT_NAME_BYTES		256

/* ALPN protocols kept from a ClientHello. */
#define LIMIT_ALPN			16

/* Values one JA4 list (cipher suites, or extension types) may hold to be
 * sorted, on the stack. Real ClientHellos offer fewer than 200 suites and
 * 30 extensions; a longer list (a crafted hello can carry 32767 suites)
 * gets no JA4 rather than a large buffer. JA3 and JA3S need no sort and
 * are computed whatever the length. */
#define LIMIT_FP_SORT			1024

/* Fingerprints remembered (JA3/JA4 of a ClientHello shape, JA3S of a
 * ServerHello shape), so that the same client build seen again costs a
 * hash and a compare instead of MD5, SHA-256 and a sort. A sensor sees a
 * few dozen client builds; 256 entries of about 600 bytes is 150 KiB. */
#define LIMIT_FP_MEMO			256

/* Bytes of a hello's fingerprint inputs (its code points, GREASE left
 * out) for it to be remembered; a longer one is computed every time. */
#define LIMIT_FP_MEMO_KEY		512

/* Bytes of a distinguished name or SAN entry rendered as text. */
#define LIMIT_DN_TEXT			512

/* SAN entries kept per certificate. */
#define LIMIT_SAN			64

/* Events kept per connection timeline. A handshake has about 20; the rest
 * are counted (a long-lived connection only adds ApplicationData counts). */
#define LIMIT_EVENTS			96

/* Renegotiation records shown per connection after its handshake. */
#define LIMIT_RENEG_EVENTS		16

/* Bytes of a non-TLS stream shown as evidence (escaped). */
/* A client that closes within this long of the end of the handshake,
 * without sending data, closed "at once": the way a client leaves that
 * rejects the certificate after the handshake, or a probe. A browser's
 * speculative connection that it closes later, unused, is ok. */
#define LIMIT_QUIT_AFTER_US		(1000 * 1000)

#define LIMIT_PREVIEW_BYTES		32

/* --json=compact names at most this many offered cipher suites (the rest
 * counted in offered_ciphers_total): a scanner's ClientHello offers
 * hundreds, and a compact line stays under 8 KB. */
#define LIMIT_COMPACT_SUITES		64

/* STARTTLS: bytes of the plaintext preamble we follow before giving up. */
#define LIMIT_STARTTLS_BYTES		8192

/* The operator's summary (--summary). Services (server address, port,
 * name) kept apart; connections to more are counted as "other services".
 * An operator reads a few dozen; a sensor facing a whole data centre
 * sees a few thousand. */
#define LIMIT_SUM_SERVICES		4096

/* Distinct (service, cause, client address) keys kept to count distinct
 * clients exactly; past it the counts are shown as lower bounds. 24 bytes
 * a key: about 50 MiB with the index at the cap. */
#define LIMIT_SUM_CLIENT_KEYS		(1 << 20)

/* Distinct items (client certificates, client addresses, fingerprints)
 * listed under one cause; later distinct ones are counted as "N more". */
#define LIMIT_SUM_ITEMS			16

/* Distinct verdict codes the summary counts (the table has fewer). */
#define LIMIT_SUM_CODES			64

/* A JSON line read back by --from-json; tlsdiag writes lines of a few
 * KiB, a long chain with many SANs stays under 256 KiB. */
#define LIMIT_JSON_LINE_BYTES		(1024 * 1024)

/* Nesting depth of a JSON line read back; tlsdiag writes 4 levels. */
#define LIMIT_JSON_DEPTH		16

/* Packets buffered by -w per connection until its verdict is known. The
 * handshake is in the first few dozen; past the cap the connection's
 * remaining packets are not written, and counted. */
#define LIMIT_WRITE_CONN_PACKETS	512

/* Bytes buffered by -w across all connections waiting for a verdict.
 * Past it, new packets of undecided connections are dropped from the
 * output file, and counted. */
#define LIMIT_WRITE_BYTES		(256 * 1024 * 1024)
/* One pcapng Decryption Secrets Block read into memory (its key log lines,
 * about 200 bytes per TLS 1.3 session: some 80 000 sessions). A larger one
 * is skipped and counted; a file may hold any number of them, each read
 * and freed in turn. */
#define LIMIT_DSB_BYTES			(16 * 1024 * 1024)

/* Knowledge across connections (knowledge.c): servers whose chains are
 * remembered (a sensor's busiest services fit; past it nothing new is
 * learnt), distinct chains per server (rotation, a certificate per name:
 * a server with more is not one whose chain can be guessed), and names per
 * server (two already show whether the chain depends on the name). */
#define LIMIT_KB_SERVERS		65536
#define LIMIT_KB_CHAINS			4
#define LIMIT_KB_NAMES			8
/* Clients seen sending data over one known chain, per chain. */
#define LIMIT_KB_USERS			4

#endif
