/* check_decode.c - unit tests for link, IP and TCP header decoding. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <pcap/pcap.h>

#include "decode.h"
#include "check_main.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif

/*
 * Real packets. Captured on Linux (tcpdump 4.99.3, libpcap 1.10.3) with
 * "python3 -m http.server --bind 127.0.0.1 44331" (and --bind ::1 44332)
 * answering "curl http://127.0.0.1:44331/" (and http://[::1]:44332/):
 *
 *   eth4, eth6:     tcpdump -i lo -w X.pcap -c 10 tcp port 4433N
 *   sll4, sll6:     tcpdump -i any -y LINUX_SLL -w X.pcap ...
 *   sll2_4, sll2_6: tcpdump -i any -y LINUX_SLL2 -w X.pcap ...
 *   snap4:          tcpdump -i lo -s 96 -w X.pcap ... (snaplen cut)
 *   udp4:           tcpdump -i lo -w X.pcap udp port 44333 while python
 *                   sent "hello udp" to 127.0.0.1:44333
 *
 * From each TCP capture, frame 1 (the client SYN, with MSS, SACK-permitted,
 * timestamps and window scale options) and frame 4 (the client's HTTP
 * request, 79 bytes over IPv4, 75 over IPv6); from snap4, frame 6 (the
 * server's 156-byte response cut to 96 bytes). Every expected value in
 * real_pkts[] below was read from tshark's decode of the same frame:
 *   tshark -r X.pcap -Y frame.number==N -T fields -e ip.src -e tcp.srcport
 *       -e tcp.seq_raw -e tcp.ack_raw -e tcp.flags -e tcp.hdr_len
 *       -e tcp.len -e tcp.options.mss_val -e tcp.options.timestamp.tsval ...
 */
/* linktype 1, frame 1, caplen 74, wirelen 74 */
/* opts_of reads the TCP options of a decoded segment. */
static struct tcp_opts
opts_of(const struct segment *s)
{
	struct tcp_opts o;

	decode_tcp_options(s, &o);
	return o;
}

static const uint8_t eth4_syn[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0xb6, 0x12, 0x40, 0x00, 0x40, 0x06,
	0x86, 0xa7, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0x8f, 0x66,
	0xad, 0x2b, 0x37, 0x87, 0x97, 0x61, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
	0xff, 0xd7, 0xfe, 0x30, 0x00, 0x00, 0x02, 0x04, 0xff, 0xd7, 0x04, 0x02,
	0x08, 0x0a, 0x1a, 0xae, 0x5b, 0xc2, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03,
	0x03, 0x0a,
};
/* linktype 1, frame 4, caplen 145, wirelen 145 */
static const uint8_t eth4_data[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x83, 0xb6, 0x14, 0x40, 0x00, 0x40, 0x06,
	0x86, 0x5e, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0x8f, 0x66,
	0xad, 0x2b, 0x37, 0x87, 0x97, 0x62, 0xd0, 0xe0, 0x3b, 0xf8, 0x80, 0x18,
	0x00, 0x40, 0xfe, 0x77, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x1a, 0xae,
	0x5b, 0xc3, 0xe3, 0xaf, 0x61, 0x11, 0x47, 0x45, 0x54, 0x20, 0x2f, 0x20,
	0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x0d, 0x0a, 0x48, 0x6f,
	0x73, 0x74, 0x3a, 0x20, 0x31, 0x32, 0x37, 0x2e, 0x30, 0x2e, 0x30, 0x2e,
	0x31, 0x3a, 0x34, 0x34, 0x33, 0x33, 0x31, 0x0d, 0x0a, 0x55, 0x73, 0x65,
	0x72, 0x2d, 0x41, 0x67, 0x65, 0x6e, 0x74, 0x3a, 0x20, 0x63, 0x75, 0x72,
	0x6c, 0x2f, 0x37, 0x2e, 0x38, 0x38, 0x2e, 0x31, 0x0d, 0x0a, 0x41, 0x63,
	0x63, 0x65, 0x70, 0x74, 0x3a, 0x20, 0x2a, 0x2f, 0x2a, 0x0d, 0x0a, 0x0d,
	0x0a,
};
/* linktype 1, frame 1, caplen 94, wirelen 94 */
static const uint8_t eth6_syn[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x86, 0xdd, 0x60, 0x06, 0x19, 0xc4, 0x00, 0x28, 0x06, 0x40, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xb0, 0xa4, 0xad, 0x2c, 0x30, 0x46,
	0x29, 0x36, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xc4, 0x00, 0x30,
	0x00, 0x00, 0x02, 0x04, 0xff, 0xc4, 0x04, 0x02, 0x08, 0x0a, 0x6b, 0xb1,
	0x52, 0x07, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};
/* linktype 1, frame 4, caplen 161, wirelen 161 */
static const uint8_t eth6_data[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x86, 0xdd, 0x60, 0x06, 0x19, 0xc4, 0x00, 0x6b, 0x06, 0x40, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xb0, 0xa4, 0xad, 0x2c, 0x30, 0x46,
	0x29, 0x37, 0x3f, 0x9e, 0xf1, 0xa2, 0x80, 0x18, 0x00, 0x40, 0x00, 0x73,
	0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x6b, 0xb1, 0x52, 0x08, 0x90, 0xaf,
	0xde, 0x4a, 0x47, 0x45, 0x54, 0x20, 0x2f, 0x20, 0x48, 0x54, 0x54, 0x50,
	0x2f, 0x31, 0x2e, 0x31, 0x0d, 0x0a, 0x48, 0x6f, 0x73, 0x74, 0x3a, 0x20,
	0x5b, 0x3a, 0x3a, 0x31, 0x5d, 0x3a, 0x34, 0x34, 0x33, 0x33, 0x32, 0x0d,
	0x0a, 0x55, 0x73, 0x65, 0x72, 0x2d, 0x41, 0x67, 0x65, 0x6e, 0x74, 0x3a,
	0x20, 0x63, 0x75, 0x72, 0x6c, 0x2f, 0x37, 0x2e, 0x38, 0x38, 0x2e, 0x31,
	0x0d, 0x0a, 0x41, 0x63, 0x63, 0x65, 0x70, 0x74, 0x3a, 0x20, 0x2a, 0x2f,
	0x2a, 0x0d, 0x0a, 0x0d, 0x0a,
};
/* linktype 113, frame 1, caplen 76, wirelen 76 */
static const uint8_t sll4_syn[] = {
	0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x4c, 0x02, 0x40, 0x00,
	0x40, 0x06, 0xf0, 0xb7, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
	0xb4, 0xde, 0xad, 0x2b, 0x10, 0x11, 0x34, 0x3a, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xff, 0xd7, 0xfe, 0x30, 0x00, 0x00, 0x02, 0x04, 0xff, 0xd7,
	0x04, 0x02, 0x08, 0x0a, 0x7c, 0x20, 0x6e, 0xd6, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x0a,
};
/* linktype 113, frame 4, caplen 147, wirelen 147 */
static const uint8_t sll4_data[] = {
	0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x83, 0x4c, 0x04, 0x40, 0x00,
	0x40, 0x06, 0xf0, 0x6e, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
	0xb4, 0xde, 0xad, 0x2b, 0x10, 0x11, 0x34, 0x3b, 0x2d, 0xcf, 0x5d, 0x84,
	0x80, 0x18, 0x00, 0x40, 0xfe, 0x77, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a,
	0x7c, 0x20, 0x6e, 0xd8, 0x89, 0xb8, 0x83, 0xbf, 0x47, 0x45, 0x54, 0x20,
	0x2f, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x0d, 0x0a,
	0x48, 0x6f, 0x73, 0x74, 0x3a, 0x20, 0x31, 0x32, 0x37, 0x2e, 0x30, 0x2e,
	0x30, 0x2e, 0x31, 0x3a, 0x34, 0x34, 0x33, 0x33, 0x31, 0x0d, 0x0a, 0x55,
	0x73, 0x65, 0x72, 0x2d, 0x41, 0x67, 0x65, 0x6e, 0x74, 0x3a, 0x20, 0x63,
	0x75, 0x72, 0x6c, 0x2f, 0x37, 0x2e, 0x38, 0x38, 0x2e, 0x31, 0x0d, 0x0a,
	0x41, 0x63, 0x63, 0x65, 0x70, 0x74, 0x3a, 0x20, 0x2a, 0x2f, 0x2a, 0x0d,
	0x0a, 0x0d, 0x0a,
};
/* linktype 113, frame 1, caplen 96, wirelen 96 */
static const uint8_t sll6_syn[] = {
	0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x86, 0xdd, 0x60, 0x0f, 0x0a, 0x41, 0x00, 0x28, 0x06, 0x40,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xba, 0xdc, 0xad, 0x2c,
	0xae, 0xe4, 0x5c, 0xd9, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xc4,
	0x00, 0x30, 0x00, 0x00, 0x02, 0x04, 0xff, 0xc4, 0x04, 0x02, 0x08, 0x0a,
	0x70, 0x50, 0x1e, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};
/* linktype 113, frame 4, caplen 163, wirelen 163 */
static const uint8_t sll6_data[] = {
	0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x86, 0xdd, 0x60, 0x0f, 0x0a, 0x41, 0x00, 0x6b, 0x06, 0x40,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xba, 0xdc, 0xad, 0x2c,
	0xae, 0xe4, 0x5c, 0xda, 0xb5, 0xca, 0xf5, 0xa2, 0x80, 0x18, 0x00, 0x40,
	0x00, 0x73, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x70, 0x50, 0x1e, 0x1f,
	0x0e, 0x07, 0x99, 0x6d, 0x47, 0x45, 0x54, 0x20, 0x2f, 0x20, 0x48, 0x54,
	0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x0d, 0x0a, 0x48, 0x6f, 0x73, 0x74,
	0x3a, 0x20, 0x5b, 0x3a, 0x3a, 0x31, 0x5d, 0x3a, 0x34, 0x34, 0x33, 0x33,
	0x32, 0x0d, 0x0a, 0x55, 0x73, 0x65, 0x72, 0x2d, 0x41, 0x67, 0x65, 0x6e,
	0x74, 0x3a, 0x20, 0x63, 0x75, 0x72, 0x6c, 0x2f, 0x37, 0x2e, 0x38, 0x38,
	0x2e, 0x31, 0x0d, 0x0a, 0x41, 0x63, 0x63, 0x65, 0x70, 0x74, 0x3a, 0x20,
	0x2a, 0x2f, 0x2a, 0x0d, 0x0a, 0x0d, 0x0a,
};
/* linktype 276, frame 1, caplen 80, wirelen 80 */
static const uint8_t sll2_4_syn[] = {
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x3c,
	0xcb, 0x5c, 0x40, 0x00, 0x40, 0x06, 0x71, 0x5d, 0x7f, 0x00, 0x00, 0x01,
	0x7f, 0x00, 0x00, 0x01, 0x8f, 0x74, 0xad, 0x2b, 0x95, 0xd5, 0x31, 0x2a,
	0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xd7, 0xfe, 0x30, 0x00, 0x00,
	0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x15, 0x53, 0xae, 0xf3,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};
/* linktype 276, frame 4, caplen 151, wirelen 151 */
static const uint8_t sll2_4_data[] = {
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x83,
	0xcb, 0x5e, 0x40, 0x00, 0x40, 0x06, 0x71, 0x14, 0x7f, 0x00, 0x00, 0x01,
	0x7f, 0x00, 0x00, 0x01, 0x8f, 0x74, 0xad, 0x2b, 0x95, 0xd5, 0x31, 0x2b,
	0x88, 0x3b, 0x90, 0x82, 0x80, 0x18, 0x00, 0x40, 0xfe, 0x77, 0x00, 0x00,
	0x01, 0x01, 0x08, 0x0a, 0x15, 0x53, 0xae, 0xf5, 0x1f, 0x51, 0x04, 0x3d,
	0x47, 0x45, 0x54, 0x20, 0x2f, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31,
	0x2e, 0x31, 0x0d, 0x0a, 0x48, 0x6f, 0x73, 0x74, 0x3a, 0x20, 0x31, 0x32,
	0x37, 0x2e, 0x30, 0x2e, 0x30, 0x2e, 0x31, 0x3a, 0x34, 0x34, 0x33, 0x33,
	0x31, 0x0d, 0x0a, 0x55, 0x73, 0x65, 0x72, 0x2d, 0x41, 0x67, 0x65, 0x6e,
	0x74, 0x3a, 0x20, 0x63, 0x75, 0x72, 0x6c, 0x2f, 0x37, 0x2e, 0x38, 0x38,
	0x2e, 0x31, 0x0d, 0x0a, 0x41, 0x63, 0x63, 0x65, 0x70, 0x74, 0x3a, 0x20,
	0x2a, 0x2f, 0x2a, 0x0d, 0x0a, 0x0d, 0x0a,
};
/* linktype 276, frame 1, caplen 100, wirelen 100 */
static const uint8_t sll2_6_syn[] = {
	0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x60, 0x03, 0xe5, 0x2b,
	0x00, 0x28, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xeb, 0x98, 0xad, 0x2c, 0x54, 0xf5, 0x02, 0x6e, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xff, 0xc4, 0x00, 0x30, 0x00, 0x00, 0x02, 0x04, 0xff, 0xc4,
	0x04, 0x02, 0x08, 0x0a, 0x37, 0x85, 0xcd, 0x8a, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x0a,
};
/* linktype 276, frame 4, caplen 167, wirelen 167 */
static const uint8_t sll2_6_data[] = {
	0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x60, 0x03, 0xe5, 0x2b,
	0x00, 0x6b, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xeb, 0x98, 0xad, 0x2c, 0x54, 0xf5, 0x02, 0x6f, 0xf8, 0x9e, 0xcb, 0xdc,
	0x80, 0x18, 0x00, 0x40, 0x00, 0x73, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a,
	0x37, 0x85, 0xcd, 0x8a, 0xf1, 0x4f, 0x94, 0xa6, 0x47, 0x45, 0x54, 0x20,
	0x2f, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x0d, 0x0a,
	0x48, 0x6f, 0x73, 0x74, 0x3a, 0x20, 0x5b, 0x3a, 0x3a, 0x31, 0x5d, 0x3a,
	0x34, 0x34, 0x33, 0x33, 0x32, 0x0d, 0x0a, 0x55, 0x73, 0x65, 0x72, 0x2d,
	0x41, 0x67, 0x65, 0x6e, 0x74, 0x3a, 0x20, 0x63, 0x75, 0x72, 0x6c, 0x2f,
	0x37, 0x2e, 0x38, 0x38, 0x2e, 0x31, 0x0d, 0x0a, 0x41, 0x63, 0x63, 0x65,
	0x70, 0x74, 0x3a, 0x20, 0x2a, 0x2f, 0x2a, 0x0d, 0x0a, 0x0d, 0x0a,
};
/* linktype 1, frame 6, caplen 96, wirelen 222 */
static const uint8_t snap4_data[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x45, 0x00, 0x00, 0xd0, 0xdb, 0x4e, 0x40, 0x00, 0x40, 0x06,
	0x60, 0xd7, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xad, 0x2b,
	0xdd, 0xe2, 0xf8, 0xfb, 0xeb, 0xd3, 0x60, 0x82, 0x73, 0xb8, 0x80, 0x18,
	0x00, 0x40, 0xfe, 0xc4, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x25, 0xd3,
	0x2a, 0xff, 0xe1, 0x1d, 0x63, 0x03, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31,
	0x2e, 0x30, 0x20, 0x32, 0x30, 0x30, 0x20, 0x4f, 0x4b, 0x0d, 0x0a, 0x53,
	0x65, 0x72, 0x76, 0x65, 0x72, 0x3a, 0x20, 0x53, 0x69, 0x6d, 0x70, 0x6c,
};
/* linktype 1, frame 1, caplen 51, wirelen 51 */
static const uint8_t udp4[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x25, 0xd8, 0x51, 0x40, 0x00, 0x40, 0x11,
	0x64, 0x74, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xe2, 0x5f,
	0xad, 0x2d, 0x00, 0x11, 0xfe, 0x24, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20,
	0x75, 0x64, 0x70,
};

/* What decoding one packet must give; |hdr_len| is where the payload
 * starts (link + IP + TCP headers). */
struct want {
	const char	*name;
	int		 dlt;
	const uint8_t	*pkt;
	size_t		 len;
	size_t		 hdr_len;
	uint8_t		 af;
	const char	*src;
	const char	*dst;
	uint16_t	 sport;
	uint16_t	 dport;
	uint32_t	 seq;
	uint32_t	 ack;
	uint8_t		 flags;
	uint16_t	 win;
	uint16_t	 mss;		/* 0: no MSS option */
	uint8_t		 wscale;	/* 0: no window scale option */
	bool		 sack_ok;
	uint32_t	 tsval;		/* every real packet has timestamps */
	uint32_t	 tsecr;
	size_t		 payload_len;
	size_t		 payload_wire_len;
};

static const struct want real_pkts[] = {
	{ "eth4_syn", DLT_EN10MB, eth4_syn, sizeof(eth4_syn), 74,
	    4, "127.0.0.1", "127.0.0.1", 36710, 44331, 931632993u, 0u,
	    0x02, 65495, 65495, 10, true, 447634370u, 0u, 0, 0 },
	{ "eth4_data", DLT_EN10MB, eth4_data, sizeof(eth4_data), 66,
	    4, "127.0.0.1", "127.0.0.1", 36710, 44331, 931632994u,
	    3504356344u, 0x18, 64, 0, 0, false, 447634371u, 3819921681u,
	    79, 79 },
	{ "eth6_syn", DLT_EN10MB, eth6_syn, sizeof(eth6_syn), 94,
	    6, "::1", "::1", 45220, 44332, 809904438u, 0u,
	    0x02, 65476, 65476, 10, true, 1806782983u, 0u, 0, 0 },
	{ "eth6_data", DLT_EN10MB, eth6_data, sizeof(eth6_data), 86,
	    6, "::1", "::1", 45220, 44332, 809904439u, 1067381154u,
	    0x18, 64, 0, 0, false, 1806782984u, 2427444810u, 75, 75 },
	{ "sll4_syn", DLT_LINUX_SLL, sll4_syn, sizeof(sll4_syn), 76,
	    4, "127.0.0.1", "127.0.0.1", 46302, 44331, 269562938u, 0u,
	    0x02, 65495, 65495, 10, true, 2082500310u, 0u, 0, 0 },
	{ "sll4_data", DLT_LINUX_SLL, sll4_data, sizeof(sll4_data), 68,
	    4, "127.0.0.1", "127.0.0.1", 46302, 44331, 269562939u,
	    768564612u, 0x18, 64, 0, 0, false, 2082500312u, 2310570943u,
	    79, 79 },
	{ "sll6_syn", DLT_LINUX_SLL, sll6_syn, sizeof(sll6_syn), 96,
	    6, "::1", "::1", 47836, 44332, 2934201561u, 0u,
	    0x02, 65476, 65476, 10, true, 1884298783u, 0u, 0, 0 },
	{ "sll6_data", DLT_LINUX_SLL, sll6_data, sizeof(sll6_data), 88,
	    6, "::1", "::1", 47836, 44332, 2934201562u, 3049977250u,
	    0x18, 64, 0, 0, false, 1884298783u, 235379053u, 75, 75 },
	{ "sll2_4_syn", DLT_LINUX_SLL2, sll2_4_syn, sizeof(sll2_4_syn), 80,
	    4, "127.0.0.1", "127.0.0.1", 36724, 44331, 2513776938u, 0u,
	    0x02, 65495, 65495, 10, true, 357805811u, 0u, 0, 0 },
	{ "sll2_4_data", DLT_LINUX_SLL2, sll2_4_data, sizeof(sll2_4_data), 72,
	    4, "127.0.0.1", "127.0.0.1", 36724, 44331, 2513776939u,
	    2285604994u, 0x18, 64, 0, 0, false, 357805813u, 525403197u,
	    79, 79 },
	{ "sll2_6_syn", DLT_LINUX_SLL2, sll2_6_syn, sizeof(sll2_6_syn), 100,
	    6, "::1", "::1", 60312, 44332, 1425343086u, 0u,
	    0x02, 65476, 65476, 10, true, 931515786u, 0u, 0, 0 },
	{ "sll2_6_data", DLT_LINUX_SLL2, sll2_6_data, sizeof(sll2_6_data), 92,
	    6, "::1", "::1", 60312, 44332, 1425343087u, 4171156444u,
	    0x18, 64, 0, 0, false, 931515786u, 4048524454u, 75, 75 },
	/* Cut by the snapshot length: tshark shows tcp.len 156 from the
	 * IP length, 30 of them captured. */
	{ "snap4_data", DLT_EN10MB, snap4_data, sizeof(snap4_data), 66,
	    4, "127.0.0.1", "127.0.0.1", 44331, 56802, 4177259475u,
	    1619162040u, 0x18, 64, 0, 0, false, 634596095u, 3776799491u,
	    30, 156 },
};
#define NUM_REAL	(sizeof(real_pkts) / sizeof(real_pkts[0]))

/* Offsets in the Ethernet frames above, for the forged variants. */
#define ETH_LEN		14
#define IP4_VHL		(ETH_LEN + 0)
#define IP4_TOTAL	(ETH_LEN + 2)
#define IP4_FRAG	(ETH_LEN + 6)
#define IP4_PROTO	(ETH_LEN + 9)
#define IP4_TCP		(ETH_LEN + 20)
#define IP6_PLEN	(ETH_LEN + 4)
#define IP6_NH		(ETH_LEN + 6)
#define IP6_TCP		(ETH_LEN + 40)
#define TCP_DOFF	12
#define SYN4_OPTS	(IP4_TCP + 20)	/* 20 bytes of options in eth4_syn */

/* dup_exact copies |len| bytes into a heap buffer of exactly that size,
 * so that ASan and valgrind see any read past the end. */
static uint8_t *
dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *b;

	/* For len 0 this is a zero-sized block (or NULL): any read of it
	 * is an error. */
	b = malloc(len);
	if (len > 0) {
		ck_assert_ptr_nonnull(b);
		memcpy(b, p, len);
	}
	return b;
}

/* cat3 concatenates three byte ranges into an exactly-sized buffer. */
static uint8_t *
cat3(size_t *out_len, const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen, const uint8_t *c, size_t clen)
{
	uint8_t *p;

	*out_len = alen + blen + clen;
	p = malloc(*out_len);
	ck_assert_ptr_nonnull(p);
	if (alen > 0)
		memcpy(p, a, alen);
	if (blen > 0)
		memcpy(p + alen, b, blen);
	if (clen > 0)
		memcpy(p + alen + blen, c, clen);
	return p;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* decode_exact decodes a private exactly-sized copy of |p|; the caller
 * frees *bufp after looking at |s| (whose payload points into it). */
static enum decode_status
decode_exact(struct segment *s, int dlt, const uint8_t *p, size_t len,
    uint8_t **bufp)
{
	*bufp = dup_exact(p, len);
	return decode_packet(s, dlt, *bufp, len);
}

static void
check_addr(const uint8_t *got, uint8_t af, const char *want)
{
	uint8_t a[16];

	memset(a, 0, sizeof(a));
	ck_assert_int_eq(inet_pton(af == 4 ? AF_INET : AF_INET6, want, a), 1);
	ck_assert_mem_eq(got, a, af == 4 ? 4 : 16);
}

static void
check_want(const struct segment *s, const uint8_t *buf, const struct want *w)
{
	ck_assert_uint_eq(s->af, w->af);
	check_addr(s->src, w->af, w->src);
	check_addr(s->dst, w->af, w->dst);
	ck_assert_uint_eq(s->sport, w->sport);
	ck_assert_uint_eq(s->dport, w->dport);
	ck_assert_uint_eq(s->seq, w->seq);
	ck_assert_uint_eq(s->ack, w->ack);
	ck_assert_uint_eq(s->flags, w->flags);
	ck_assert_uint_eq(s->win, w->win);
	ck_assert(opts_of(s).has_mss == (w->mss != 0));
	ck_assert_uint_eq(opts_of(s).mss, w->mss);
	ck_assert(opts_of(s).has_wscale == (w->wscale != 0));
	ck_assert_uint_eq(opts_of(s).wscale, w->wscale);
	ck_assert(opts_of(s).sack_ok == w->sack_ok);
	ck_assert(opts_of(s).has_ts);
	ck_assert_uint_eq(opts_of(s).tsval, w->tsval);
	ck_assert_uint_eq(opts_of(s).tsecr, w->tsecr);
	ck_assert_uint_eq(s->vlan[0], 0);
	ck_assert_uint_eq(s->vlan[1], 0);
	ck_assert_ptr_eq(s->payload, buf + w->hdr_len);
	ck_assert_uint_eq(s->payload_len, w->payload_len);
	ck_assert_uint_eq(s->payload_wire_len, w->payload_wire_len);
}

/* same_tcp asserts that |a| and |b| describe the same TCP segment. */
static void
same_tcp(const struct segment *a, const struct segment *b)
{
	ck_assert_uint_eq(a->af, b->af);
	ck_assert_mem_eq(a->src, b->src, sizeof(a->src));
	ck_assert_mem_eq(a->dst, b->dst, sizeof(a->dst));
	ck_assert_uint_eq(a->sport, b->sport);
	ck_assert_uint_eq(a->dport, b->dport);
	ck_assert_uint_eq(a->seq, b->seq);
	ck_assert_uint_eq(a->ack, b->ack);
	ck_assert_uint_eq(a->flags, b->flags);
	ck_assert_uint_eq(a->win, b->win);
	ck_assert_uint_eq(a->opts_len, b->opts_len);
	if (a->opts_len > 0)
		ck_assert_mem_eq(a->opts, b->opts, a->opts_len);
	{
		struct tcp_opts oa = opts_of(a), ob = opts_of(b);

		ck_assert_mem_eq(&oa, &ob, sizeof(oa));
	}
	ck_assert_uint_eq(a->payload_len, b->payload_len);
	ck_assert_uint_eq(a->payload_wire_len, b->payload_wire_len);
	if (a->payload_len > 0)
		ck_assert_mem_eq(a->payload, b->payload, a->payload_len);
}

/*
 * check_prefixes decodes every strict prefix of |p|: those that cut the
 * headers (shorter than |hdr_len|) are TRUNCATED; longer ones decode
 * with the captured part of the payload.
 */
static void
check_prefixes(int dlt, const uint8_t *p, size_t len, size_t hdr_len)
{
	struct segment full, s;
	enum decode_status st;
	uint8_t *buf, *fbuf;
	size_t n;

	ck_assert_int_eq(decode_exact(&full, dlt, p, len, &fbuf), DECODE_OK);
	for (n = 0; n < len; n++) {
		st = decode_exact(&s, dlt, p, n, &buf);
		if (n < hdr_len) {
			ck_assert_msg(st == DECODE_TRUNCATED,
			    "prefix %zu of %zu: %s", n, len,
			    decode_status_name(st));
		} else {
			ck_assert_int_eq(st, DECODE_OK);
			ck_assert_ptr_eq(s.payload, buf + hdr_len);
			ck_assert_uint_eq(s.payload_len, n - hdr_len);
			ck_assert_uint_eq(s.payload_wire_len,
			    full.payload_wire_len);
			ck_assert_uint_eq(s.seq, full.seq);
		}
		free(buf);
	}
	free(fbuf);
}

/* same_decode: decode_packet (its fast path, when it takes the frame)
 * and decode_packet_layers agree on |p|: the status, and for DECODE_OK
 * every field of the segment, for NOT_TCP the ethertype. */
static void
same_decode(const uint8_t *p, size_t len, const char *what, size_t i)
{
	struct segment a, b;
	enum decode_status sa, sb;

	sa = decode_packet(&a, DLT_EN10MB, p, len);
	sb = decode_packet_layers(&b, DLT_EN10MB, p, len);
	ck_assert_msg(sa == sb, "%s %zu: %s against %s", what, i,
	    decode_status_name(sa), decode_status_name(sb));
	if (sa == DECODE_OK)
		ck_assert_msg(memcmp(&a, &b, sizeof(a)) == 0, "%s %zu",
		    what, i);
	else if (sa == DECODE_NOT_TCP)
		ck_assert_uint_eq(a.ethertype, b.ethertype);
}

/*
 * Limits: decode_packet's fast path (Ethernet, IPv4 without options, TCP)
 * gives what the layers give, for the real IPv4 frames with every byte of
 * their Ethernet, IP and TCP headers set to each of its 256 values, at
 * every captured length, and for 200,000 frames with random bytes of
 * those headers changed (a fixed seed). The frames are forged from real
 * ones, which says so: the fast path must refuse what it does not take.
 */
START_TEST(test_fast_equals_layers)
{
	static const struct { const uint8_t *p; size_t len; } src[] = {
		{ eth4_syn, sizeof(eth4_syn) },
		{ eth4_data, sizeof(eth4_data) },
	};
	uint8_t buf[2048];
	uint32_t r = 20261207;
	size_t k, i, v, n, len, hdr;

	for (k = 0; k < sizeof(src) / sizeof(src[0]); k++) {
		len = src[k].len;
		ck_assert_uint_le(len, sizeof(buf));
		hdr = len < 14 + 60 + 60 ? len : 14 + 60 + 60;
		for (i = 0; i < hdr; i++)
			for (v = 0; v < 256; v++) {
				memcpy(buf, src[k].p, len);
				buf[i] = (uint8_t)v;
				same_decode(buf, len, "byte", i);
			}
		for (n = 0; n <= len; n++) {
			memcpy(buf, src[k].p, len);
			same_decode(buf, n, "length", n);
		}
		for (i = 0; i < 100000; i++) {
			memcpy(buf, src[k].p, len);
			for (v = 0; v < 3; v++) {
				r = r * 1103515245u + 12345u;
				buf[(r >> 8) % hdr] = (uint8_t)(r >> 24);
			}
			r = r * 1103515245u + 12345u;
			n = (r >> 16) % 4 == 0 ? (r >> 8) % (len + 1) : len;
			same_decode(buf, n, "random", i);
		}
	}
}
END_TEST

/* Core: every real packet decodes to what tshark shows. */
START_TEST(test_real)
{
	const struct want *w = &real_pkts[_i];
	struct segment s;
	uint8_t *buf;

	ck_assert_msg(decode_exact(&s, w->dlt, w->pkt, w->len, &buf) ==
	    DECODE_OK, "%s", w->name);
	check_want(&s, buf, w);
	ck_assert_mem_eq(s.payload, w->pkt + w->hdr_len, s.payload_len);
	free(buf);
}
END_TEST

/* Limits: every strict prefix of every real packet. */
START_TEST(test_real_prefixes)
{
	const struct want *w = &real_pkts[_i];

	check_prefixes(w->dlt, w->pkt, w->len, w->hdr_len);
}
END_TEST

/*
 * Link headers rewritten in the test: the IP packet of a real Ethernet
 * frame (eth4_data or eth6_data) behind another link header. The
 * segment must equal the one decoded from the Ethernet frame.
 */
struct relink {
	const char	*name;
	int		 dlt;
	uint8_t		 hdr[48];
	size_t		 hdr_len;
	int		 v6;		/* base: eth6_data, else eth4_data */
	uint16_t	 vlan0;
	uint16_t	 vlan1;
};

static const struct relink relinks[] = {
	{ "802.1Q vid 100", DLT_EN10MB, { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x81, 0x00, 0x00, 0x64, 0x08, 0x00 }, 18, 0, 100, 0 },
	{ "802.1ad 200 + 802.1Q 100 (PCP 5)", DLT_EN10MB,
	    { 0,0,0,0,0,0, 0,0,0,0,0,0, 0x88, 0xa8, 0x00, 0xc8,
	    0x81, 0x00, 0xa0, 0x64, 0x86, 0xdd }, 22, 1, 200, 100 },
	{ "0x9100 4095 + 802.1Q 1 + 802.1Q 2", DLT_EN10MB,
	    { 0,0,0,0,0,0, 0,0,0,0,0,0, 0x91, 0x00, 0x0f, 0xff,
	    0x81, 0x00, 0x00, 0x01, 0x81, 0x00, 0x00, 0x02, 0x08, 0x00 }, 26,
	    0, 4095, 1 },
	/* Issue 15 case 5, forged headers (layouts as Wireshark reads
	 * them) in front of the real IP packet. */
	{ "Cisco MetaData SGT 100", DLT_EN10MB, { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x89, 0x09, 0x01, 0x01, 0x00, 0x01, 0x00, 0x64, 0x08, 0x00 }, 22,
	    0, 0, 0 },
	{ "802.1Q 100 + Cisco MetaData", DLT_EN10MB, { 0,0,0,0,0,0,
	    0,0,0,0,0,0, 0x81, 0x00, 0x00, 0x64, 0x89, 0x09, 0x01, 0x01,
	    0x00, 0x01, 0x00, 0x64, 0x86, 0xdd }, 26, 1, 100, 0 },
	{ "Cisco MetaData length 2", DLT_EN10MB, { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x89, 0x09, 0x01, 0x02, 0x00, 0x01, 0x00, 0x64, 0x00, 0x02, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00 }, 30, 0, 0, 0 },
	{ "802.1BR E-Tag", DLT_EN10MB, { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x89, 0x3f, 0x20, 0x00, 0x10, 0x01, 0x00, 0x00, 0x08, 0x00 }, 22,
	    0, 0, 0 },
	{ "MACsec integrity only", DLT_EN10MB, { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x88, 0xe5, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd }, 22,
	    1, 0, 0 },
	{ "MACsec integrity only, SCI", DLT_EN10MB, { 0,0,0,0,0,0,
	    0,0,0,0,0,0, 0x88, 0xe5, 0x20, 0x00, 0x00, 0x00, 0x00, 0x02,
	    1,2,3,4,5,6, 0x00, 0x01, 0x08, 0x00 }, 30, 0, 0, 0 },
	{ "802.1ad 10 + PBB I-Tag", DLT_EN10MB, { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x88, 0xa8, 0x00, 0x0a, 0x88, 0xe7, 0x00, 0x00, 0x00, 0x01,
	    0,0,0,0,0,0, 0,0,0,0,0,0, 0x08, 0x00 }, 36, 0, 10, 0 },
	{ "FabricPath", DLT_EN10MB, { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x89, 0x03, 0x00, 0x3f, 0,0,0,0,0,0, 0,0,0,0,0,0, 0x86, 0xdd },
	    30, 1, 0, 0 },
	{ "SLL + 802.1Q 7", DLT_LINUX_SLL, { 0x00, 0x00, 0x03, 0x04,
	    0x00, 0x06, 0,0,0,0,0,0,0,0, 0x81, 0x00, 0x00, 0x07, 0x86,
	    0xdd }, 20, 1, 7, 0 },
	{ "NULL AF_INET little-endian", DLT_NULL, { 2, 0, 0, 0 }, 4, 0, 0,
	    0 },
	{ "NULL AF_INET big-endian", DLT_NULL, { 0, 0, 0, 2 }, 4, 0, 0, 0 },
	{ "NULL AF_INET6 24 (OpenBSD) LE", DLT_NULL, { 24, 0, 0, 0 }, 4, 1,
	    0, 0 },
	{ "NULL AF_INET6 28 (FreeBSD) BE", DLT_NULL, { 0, 0, 0, 28 }, 4, 1,
	    0, 0 },
	{ "NULL AF_INET6 30 (Darwin) LE", DLT_NULL, { 30, 0, 0, 0 }, 4, 1,
	    0, 0 },
	{ "NULL AF_INET6 10 (Linux) LE", DLT_NULL, { 10, 0, 0, 0 }, 4, 1,
	    0, 0 },
	{ "LOOP AF_INET", DLT_LOOP, { 0, 0, 0, 2 }, 4, 0, 0, 0 },
	{ "LOOP AF_INET6 24", DLT_LOOP, { 0, 0, 0, 24 }, 4, 1, 0, 0 },
	{ "LINKTYPE_LOOP AF_INET6 30", 108, { 0, 0, 0, 30 }, 4, 1, 0, 0 },
	{ "RAW IPv4", DLT_RAW, { 0 }, 0, 0, 0, 0 },
	{ "RAW IPv6", DLT_RAW, { 0 }, 0, 1, 0, 0 },
	{ "LINKTYPE_RAW IPv4", 101, { 0 }, 0, 0, 0, 0 },
	{ "LINKTYPE_RAW IPv6", 101, { 0 }, 0, 1, 0, 0 },
	{ "IPV4", DLT_IPV4, { 0 }, 0, 0, 0, 0 },
	{ "IPV6", DLT_IPV6, { 0 }, 0, 1, 0, 0 },
	/* Forged: GTP-U (3GPP TS 29.281) over UDP 2152 over IPv4 (total
	 * length 0: the captured bytes bound it), a G-PDU, then with the
	 * E flag and one PDU session container extension header. */
	{ "GTP-U G-PDU", DLT_RAW, { 0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0,
	    10, 0, 0, 1, 10, 0, 0, 2, 0x08, 0x68, 0x08, 0x68, 0, 0, 0, 0,
	    0x30, 0xff, 0, 0, 0, 0, 0, 1 }, 36, 0, 0, 0 },
	{ "GTP-U G-PDU + extension", DLT_RAW, { 0x45, 0, 0, 0, 0, 0, 0, 0,
	    64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x08, 0x68, 0x08, 0x68,
	    0, 0, 0, 0, 0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 1, 0x10,
	    0x09, 0 }, 44, 1, 0, 0 },
};
#define NUM_RELINK	(sizeof(relinks) / sizeof(relinks[0]))

/* relink_build puts the IP packet of the base frame behind |rl|'s header. */
static uint8_t *
relink_build(const struct relink *rl, size_t *len, size_t *hdr_len)
{
	const uint8_t *base = rl->v6 ? eth6_data : eth4_data;
	size_t blen = rl->v6 ? sizeof(eth6_data) : sizeof(eth4_data);
	size_t bhdr = rl->v6 ? 86 : 66;

	*hdr_len = bhdr - ETH_LEN + rl->hdr_len;
	return cat3(len, rl->hdr, rl->hdr_len, base + ETH_LEN,
	    blen - ETH_LEN, NULL, 0);
}

START_TEST(test_relink)
{
	const struct relink *rl = &relinks[_i];
	struct segment s, ref;
	uint8_t *p, *rbuf;
	size_t len, hdr_len;

	p = relink_build(rl, &len, &hdr_len);
	ck_assert_msg(decode_packet(&s, rl->dlt, p, len) == DECODE_OK, "%s",
	    rl->name);
	ck_assert_int_eq(decode_exact(&ref, DLT_EN10MB, rl->v6 ? eth6_data :
	    eth4_data, rl->v6 ? sizeof(eth6_data) : sizeof(eth4_data), &rbuf),
	    DECODE_OK);
	same_tcp(&s, &ref);
	ck_assert_ptr_eq(s.payload, p + hdr_len);
	ck_assert_uint_eq(s.vlan[0], rl->vlan0);
	ck_assert_uint_eq(s.vlan[1], rl->vlan1);
	free(rbuf);
	free(p);
}
END_TEST

START_TEST(test_relink_prefixes)
{
	const struct relink *rl = &relinks[_i];
	uint8_t *p;
	size_t len, hdr_len;

	p = relink_build(rl, &len, &hdr_len);
	check_prefixes(rl->dlt, p, len, hdr_len);
	free(p);
}
END_TEST

/* A copy of eth4_data (or another frame) with one 16-bit field set. */
static enum decode_status
decode_set16(struct segment *s, uint8_t **bufp, const uint8_t *p, size_t len,
    size_t off, uint16_t v)
{
	*bufp = dup_exact(p, len);
	put16(*bufp + off, v);
	return decode_packet(s, DLT_EN10MB, *bufp, len);
}

static enum decode_status
decode_set8(struct segment *s, uint8_t **bufp, const uint8_t *p, size_t len,
    size_t off, uint8_t v)
{
	*bufp = dup_exact(p, len);
	(*bufp)[off] = v;
	return decode_packet(s, DLT_EN10MB, *bufp, len);
}

/* Forged: IPv4 header length fields. */
START_TEST(test_ipv4_lengths)
{
	struct segment s;
	uint8_t *b;
	size_t total = get16(eth4_data + IP4_TOTAL);

	/* IHL < 5. */
	ck_assert_int_eq(decode_set8(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_VHL, 0x44), DECODE_MALFORMED);
	free(b);
	ck_assert_int_eq(decode_set8(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_VHL, 0x40), DECODE_MALFORMED);
	free(b);
	/* Version 6 behind ethertype IPv4. */
	ck_assert_int_eq(decode_set8(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_VHL, 0x65), DECODE_MALFORMED);
	free(b);
	/* IHL 15 (60 bytes) but the total length is only 52. */
	ck_assert_int_eq(decode_set8(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_VHL, 0x4f), DECODE_MALFORMED);
	free(b);
	/* Total length below the header length. */
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_TOTAL, 19), DECODE_MALFORMED);
	free(b);
	/* Total length leaves no room for the 32-byte TCP header. */
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_TOTAL, 20 + 31), DECODE_MALFORMED);
	free(b);
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_TOTAL, 20 + 19), DECODE_MALFORMED);
	free(b);
	/* Total length shorter than the capture: the rest is trailer. */
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_TOTAL, 20 + 32 + 10), DECODE_OK);
	ck_assert_uint_eq(s.payload_len, 10);
	ck_assert_uint_eq(s.payload_wire_len, 10);
	free(b);
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_TOTAL, 20 + 32), DECODE_OK);
	ck_assert_uint_eq(s.payload_len, 0);
	ck_assert_uint_eq(s.payload_wire_len, 0);
	free(b);
	/* Total length beyond the capture: payload cut, not an error. */
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_TOTAL, (uint16_t)(total + 100)), DECODE_OK);
	ck_assert_uint_eq(s.payload_len, 79);
	ck_assert_uint_eq(s.payload_wire_len, 179);
	free(b);
	/* Total length 0: TSO on the sending host; the capture decides. */
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_TOTAL, 0), DECODE_OK);
	ck_assert_uint_eq(s.payload_len, 79);
	ck_assert_uint_eq(s.payload_wire_len, 79);
	free(b);
}
END_TEST

/*
 * Forged, after frame 2 of ndpi's tls_invalid_reads.pcap: a SYN-ACK whose
 * IPv4 total length says 4148 in a 66-byte frame that was captured whole
 * (tshark: "IPv4 total length exceeds packet length"). decode_frame, told
 * the wire length, reads the length as malformed, not as 4096 bytes cut by
 * the snapshot length (which put a bogus gap before the ServerHello).
 */
START_TEST(test_ipv4_length_past_frame)
{
	struct segment s;
	uint8_t *b;
	size_t len = sizeof(eth4_data);

	b = dup_exact(eth4_data, len);
	put16(b + IP4_TOTAL, (uint16_t)(get16(eth4_data + IP4_TOTAL) + 4096));
	/* The whole frame was captured: no payload was cut. */
	ck_assert_int_eq(decode_frame(&s, DLT_EN10MB, b, len, len), DECODE_OK);
	ck_assert_uint_eq(s.payload_len, 79);
	ck_assert_uint_eq(s.payload_wire_len, 79);
	ck_assert(s.ip_len_over);
	/* The frame was longer on the wire: cut by the snapshot length. */
	ck_assert_int_eq(decode_frame(&s, DLT_EN10MB, b, len, len + 4096),
	    DECODE_OK);
	ck_assert_uint_eq(s.payload_wire_len, 79 + 4096);
	ck_assert(!s.ip_len_over);
	free(b);
	/* A consistent length sets nothing. */
	ck_assert_int_eq(decode_frame(&s, DLT_EN10MB, eth4_data, len, len),
	    DECODE_OK);
	ck_assert_uint_eq(s.payload_wire_len, 79);
	ck_assert(!s.ip_len_over);
}
END_TEST

/* Real SYN with 6 bytes of Ethernet padding after it (as on a wire
 * where the minimum frame is padded): the payload stays empty. */
START_TEST(test_ipv4_trailer)
{
	static const uint8_t pad[6] = { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00 };
	struct segment s;
	uint8_t *p;
	size_t len;

	p = cat3(&len, eth4_syn, sizeof(eth4_syn), pad, sizeof(pad), NULL, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len), DECODE_OK);
	ck_assert_uint_eq(s.payload_len, 0);
	ck_assert_uint_eq(s.payload_wire_len, 0);
	ck_assert(opts_of(&s).has_mss);
	free(p);
}
END_TEST

/* Forged: IPv4 options (IHL 6: NOP NOP NOP EOL) are skipped. */
START_TEST(test_ipv4_options)
{
	static const uint8_t ipopt[4] = { 0x01, 0x01, 0x01, 0x00 };
	struct segment s, ref;
	uint8_t *p, *rbuf;
	size_t len;

	p = cat3(&len, eth4_data, IP4_TCP, ipopt, sizeof(ipopt),
	    eth4_data + IP4_TCP, sizeof(eth4_data) - IP4_TCP);
	p[IP4_VHL] = 0x46;
	put16(p + IP4_TOTAL, (uint16_t)(get16(p + IP4_TOTAL) + 4));
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len), DECODE_OK);
	ck_assert_int_eq(decode_exact(&ref, DLT_EN10MB, eth4_data,
	    sizeof(eth4_data), &rbuf), DECODE_OK);
	same_tcp(&s, &ref);
	ck_assert_ptr_eq(s.payload, p + 66 + 4);
	check_prefixes(DLT_EN10MB, p, len, 66 + 4);
	free(rbuf);
	free(p);
}
END_TEST

/* Forged: IPv4 fragments are not decoded further. */
START_TEST(test_ipv4_fragment)
{
	struct segment s;
	uint8_t *b;

	/* MF set, offset 0: the first fragment. */
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_FRAG, 0x2000), DECODE_FRAGMENT);
	free(b);
	/* Offset 1 (8 bytes), MF clear: the last fragment. */
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_FRAG, 0x0001), DECODE_FRAGMENT);
	free(b);
	/* DF alone (the real packet) and no flags are whole packets. */
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_FRAG, 0x0000), DECODE_OK);
	free(b);
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_FRAG, 0x4000), DECODE_OK);
	free(b);
}
END_TEST

/* Real UDP datagram and forged protocol numbers: not TCP. */
START_TEST(test_not_tcp)
{
	struct segment s;
	uint8_t *b;

	ck_assert_int_eq(decode_exact(&s, DLT_EN10MB, udp4, sizeof(udp4), &b),
	    DECODE_NOT_TCP);
	free(b);
	/* Forged: ICMP (1) in the IPv4 protocol field. */
	ck_assert_int_eq(decode_set8(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_PROTO, 1), DECODE_NOT_TCP);
	free(b);
	/* Forged: UDP (17) as the IPv6 next header. */
	ck_assert_int_eq(decode_set8(&s, &b, eth6_data, sizeof(eth6_data),
	    IP6_NH, 17), DECODE_NOT_TCP);
	free(b);
	/* Forged ethertypes: ARP, LLDP, an 802.3 length field. */
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    12, 0x0806), DECODE_NOT_TCP);
	free(b);
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    12, 0x88cc), DECODE_NOT_TCP);
	free(b);
	ck_assert_int_eq(decode_set16(&s, &b, eth4_data, sizeof(eth4_data),
	    12, 0x0083), DECODE_NOT_TCP);
	free(b);
}
END_TEST

/* Forged: link headers that name nothing we decode. */
START_TEST(test_link_other)
{
	static const uint8_t af7[4] = { 7, 0, 0, 0 };
	static const uint8_t loop_le[4] = { 2, 0, 0, 0 };
	struct segment s;
	uint8_t *p, *b;
	size_t len;

	/* Unknown address family in either byte order. */
	p = cat3(&len, af7, 4, eth4_data + ETH_LEN,
	    sizeof(eth4_data) - ETH_LEN, NULL, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_NULL, p, len), DECODE_NOT_TCP);
	ck_assert_int_eq(decode_packet(&s, DLT_LOOP, p, len), DECODE_NOT_TCP);
	free(p);
	/* DLT_LOOP is network byte order only. */
	p = cat3(&len, loop_le, 4, eth4_data + ETH_LEN,
	    sizeof(eth4_data) - ETH_LEN, NULL, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_LOOP, p, len), DECODE_NOT_TCP);
	ck_assert_int_eq(decode_packet(&s, DLT_NULL, p, len), DECODE_OK);
	free(p);
	/* Raw IP with version 5; raw IPv4 link carrying IPv6. */
	b = dup_exact(eth4_data + ETH_LEN, sizeof(eth4_data) - ETH_LEN);
	b[0] = 0x55;
	ck_assert_int_eq(decode_packet(&s, DLT_RAW, b,
	    sizeof(eth4_data) - ETH_LEN), DECODE_MALFORMED);
	free(b);
	b = dup_exact(eth6_data + ETH_LEN, sizeof(eth6_data) - ETH_LEN);
	ck_assert_int_eq(decode_packet(&s, DLT_IPV4, b,
	    sizeof(eth6_data) - ETH_LEN), DECODE_MALFORMED);
	ck_assert_int_eq(decode_packet(&s, DLT_IPV6, b,
	    sizeof(eth6_data) - ETH_LEN), DECODE_OK);
	free(b);
	/* A link type we do not decode (IEEE 802.11). */
	ck_assert_int_eq(decode_exact(&s, 105, eth4_data, sizeof(eth4_data),
	    &b), DECODE_NOT_TCP);
	free(b);
}
END_TEST

/* Forged (issue 15 case 5): what the tags keep, and what is skipped with
 * its ethertype named for the skipped-frames count. */
START_TEST(test_link_tags)
{
	static const uint8_t cmd[] = { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x89, 0x09, 0x01, 0x01, 0x00, 0x01, 0x01, 0x2c, 0x08, 0x00 };
	static const uint8_t cmd0[] = { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x89, 0x09, 0x01, 0x00, 0x00, 0x01, 0x01, 0x2c, 0x08, 0x00 };
	static const uint8_t macsec_enc[] = { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x88, 0xe5, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01,
	    1,2,3,4,5,6, 0x00, 0x01, 0x08, 0x00 };
	static const uint8_t exp1[] = { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x81, 0x00, 0x00, 0x05, 0x88, 0xb5, 0x00, 0x00, 0x08, 0x00 };
	static const uint8_t arp[] = { 0,0,0,0,0,0, 0,0,0,0,0,0,
	    0x08, 0x06 };
	struct segment s;
	uint8_t *p;
	size_t len;

	p = cat3(&len, cmd, sizeof(cmd), eth4_data + ETH_LEN,
	    sizeof(eth4_data) - ETH_LEN, NULL, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len), DECODE_OK);
	ck_assert(s.has_sgt);
	ck_assert_uint_eq(s.sgt, 300);
	free(p);
	p = cat3(&len, cmd0, sizeof(cmd0), eth4_data + ETH_LEN,
	    sizeof(eth4_data) - ETH_LEN, NULL, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len),
	    DECODE_MALFORMED);
	free(p);
	p = cat3(&len, macsec_enc, sizeof(macsec_enc), eth4_data + ETH_LEN,
	    sizeof(eth4_data) - ETH_LEN, NULL, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len),
	    DECODE_NOT_TCP);
	ck_assert_uint_eq(s.ethertype, 0x88e5);
	free(p);
	p = cat3(&len, exp1, sizeof(exp1), eth4_data + ETH_LEN,
	    sizeof(eth4_data) - ETH_LEN, NULL, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len),
	    DECODE_NOT_TCP);
	ck_assert_uint_eq(s.ethertype, 0x88b5);
	ck_assert_uint_eq(s.vlan[0], 5);
	free(p);
	ck_assert_int_eq(decode_exact(&s, DLT_EN10MB, arp, sizeof(arp), &p),
	    DECODE_NOT_TCP);
	ck_assert_uint_eq(s.ethertype, 0x0806);
	free(p);
	/* A frame that is TCP names no ethertype. */
	ck_assert_int_eq(decode_exact(&s, DLT_EN10MB, eth4_data,
	    sizeof(eth4_data), &p), DECODE_OK);
	ck_assert_uint_eq(s.ethertype, 0);
	ck_assert(!s.has_sgt);
	free(p);
}
END_TEST

/* Forged: TCP data offset. */
START_TEST(test_tcp_doff)
{
	struct segment s;
	uint8_t *b;

	ck_assert_int_eq(decode_set8(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_TCP + TCP_DOFF, 0x40), DECODE_MALFORMED);
	free(b);
	ck_assert_int_eq(decode_set8(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_TCP + TCP_DOFF, 0x00), DECODE_MALFORMED);
	free(b);
	/* Data offset 5: the timestamp option becomes payload. */
	ck_assert_int_eq(decode_set8(&s, &b, eth4_data, sizeof(eth4_data),
	    IP4_TCP + TCP_DOFF, 0x50), DECODE_OK);
	ck_assert(!opts_of(&s).has_ts);
	ck_assert_uint_eq(s.payload_len, 79 + 12);
	free(b);
	/* Data offset 15 (60 bytes): past the IP length of a SYN. */
	ck_assert_int_eq(decode_set8(&s, &b, eth4_syn, sizeof(eth4_syn),
	    IP4_TCP + TCP_DOFF, 0xf0), DECODE_MALFORMED);
	free(b);
}
END_TEST

/* Forged option lists in place of the real SYN's 20 option bytes. */
struct optcase {
	const char	*name;
	uint8_t		 opts[20];
	uint16_t	 mss;		/* 0: none */
	int		 wscale;	/* -1: none */
	bool		 sack_ok;
	bool		 has_ts;
};

static const struct optcase optcases[] = {
	{ "real", { 0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x1a,
	    0xae, 0x5b, 0xc2, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03,
	    0x0a }, 65495, 10, true, true },
	{ "length 1 stops the list", { 0x01, 0x02, 0x01, 0x04, 0x02, 0x03,
	    0x03, 0x07 }, 0, -1, false, false },
	{ "length 0 stops the list", { 0x04, 0x02, 0x02, 0x00, 0x03, 0x03,
	    0x07 }, 0, -1, true, false },
	{ "wrong MSS length skipped", { 0x02, 0x05, 0xff, 0xd7, 0x00, 0x04,
	    0x02, 0x08, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8, 0x01, 0x01, 0x01 },
	    0, -1, true, true },
	{ "option past the header", { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
	    0x01, 0x08, 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0 }, 1460, -1,
	    true, false },
	{ "length byte missing", { 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	    0x01, 0x01, 0x03 }, 0, -1, false, false },
	{ "EOL ends the list", { 0x02, 0x04, 0x05, 0xb4, 0x00, 0x08, 0x0a,
	    1, 2, 3, 4, 5, 6, 7, 8 }, 1460, -1, false, false },
	{ "unknown kind skipped", { 0x1e, 0x04, 0x00, 0x00, 0x03, 0x03,
	    0x0f, 0x01, 0x04, 0x02 }, 0, 15, true, false },
	{ "all NOP", { 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01 },
	    0, -1, false, false },
};
#define NUM_OPTCASES	(sizeof(optcases) / sizeof(optcases[0]))

START_TEST(test_tcp_options)
{
	const struct optcase *oc = &optcases[_i];
	struct segment s;
	uint8_t *b;

	b = dup_exact(eth4_syn, sizeof(eth4_syn));
	memcpy(b + SYN4_OPTS, oc->opts, sizeof(oc->opts));
	ck_assert_msg(decode_packet(&s, DLT_EN10MB, b, sizeof(eth4_syn)) ==
	    DECODE_OK, "%s", oc->name);
	ck_assert_msg(opts_of(&s).has_mss == (oc->mss != 0), "%s", oc->name);
	ck_assert_uint_eq(opts_of(&s).mss, oc->mss);
	ck_assert_msg(opts_of(&s).has_wscale == (oc->wscale >= 0), "%s", oc->name);
	if (oc->wscale >= 0)
		ck_assert_int_eq(opts_of(&s).wscale, oc->wscale);
	ck_assert_msg(opts_of(&s).sack_ok == oc->sack_ok, "%s", oc->name);
	ck_assert_msg(opts_of(&s).has_ts == oc->has_ts, "%s", oc->name);
	/* The segment itself is intact whatever the options say. */
	ck_assert_uint_eq(s.seq, 931632993u);
	ck_assert_uint_eq(s.flags, TCP_SYN);
	ck_assert_uint_eq(s.payload_len, 0);
	free(b);
}
END_TEST

/*
 * ip6_with_ext builds eth6_data with |ext| inserted between the IPv6
 * header and TCP, next header |nh| and the payload length grown by the
 * extension bytes plus |plen_delta|.
 */
static uint8_t *
ip6_with_ext(size_t *len, const uint8_t *ext, size_t ext_len, uint8_t nh,
    int plen_delta)
{
	uint8_t *p;

	p = cat3(len, eth6_data, IP6_TCP, ext, ext_len, eth6_data + IP6_TCP,
	    sizeof(eth6_data) - IP6_TCP);
	p[IP6_NH] = nh;
	put16(p + IP6_PLEN, (uint16_t)((int)get16(p + IP6_PLEN) +
	    (int)ext_len + plen_delta));
	return p;
}

/* Forged: a chain of every extension header we skip, up to TCP:
 * hop-by-hop (PadN) -> routing -> destination options (16 bytes) ->
 * atomic fragment -> AH (24 bytes) -> TCP. */
START_TEST(test_ipv6_ext_chain)
{
	static const uint8_t ext[] = {
		43, 0, 0x01, 0x04, 0, 0, 0, 0,			/* HBH */
		60, 0, 0, 0, 0, 0, 0, 0,			/* routing */
		44, 1, 0x01, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		51, 0, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78,	/* frag */
		6, 4, 0, 0, 1, 2, 3, 4, 0, 0, 0, 1,		/* AH */
		    9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
	};
	struct segment s, ref;
	uint8_t *p, *rbuf;
	size_t len;

	p = ip6_with_ext(&len, ext, sizeof(ext), 0, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len), DECODE_OK);
	ck_assert_int_eq(decode_exact(&ref, DLT_EN10MB, eth6_data,
	    sizeof(eth6_data), &rbuf), DECODE_OK);
	same_tcp(&s, &ref);
	ck_assert_ptr_eq(s.payload, p + 86 + sizeof(ext));
	check_prefixes(DLT_EN10MB, p, len, 86 + sizeof(ext));
	free(rbuf);
	free(p);
}
END_TEST

/* Forged: IPv6 headers that end the walk before TCP. */
START_TEST(test_ipv6_ext_bad)
{
	static const uint8_t frag_off[8] = { 6, 0, 0x00, 0x08, 1, 2, 3, 4 };
	static const uint8_t frag_m[8] = { 6, 0, 0x00, 0x01, 1, 2, 3, 4 };
	static const uint8_t esp[8] = { 0, 0, 0, 1, 0, 0, 0, 1 };
	static const uint8_t hbh_long[8] = { 6, 255, 0x01, 0x04, 0, 0, 0, 0 };
	static const uint8_t dst_one[1] = { 6 };
	struct segment s;
	uint8_t *p, *b;
	size_t len;

	/* Fragment with an offset, and the first fragment (M set). */
	p = ip6_with_ext(&len, frag_off, 8, 44, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len),
	    DECODE_FRAGMENT);
	free(p);
	p = ip6_with_ext(&len, frag_m, 8, 44, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len),
	    DECODE_FRAGMENT);
	free(p);
	/* ESP and "no next header". */
	p = ip6_with_ext(&len, esp, 8, 50, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len),
	    DECODE_NOT_TCP);
	free(p);
	ck_assert_int_eq(decode_set8(&s, &b, eth6_data, sizeof(eth6_data),
	    IP6_NH, 59), DECODE_NOT_TCP);
	free(b);
	/* A hop-by-hop header of 2048 bytes in a 115-byte payload. */
	p = ip6_with_ext(&len, hbh_long, 8, 0, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len),
	    DECODE_MALFORMED);
	free(p);
	/* The same, but the payload length says 2048 + 107 bytes were
	 * sent: the capture was cut inside the extension header. */
	p = ip6_with_ext(&len, hbh_long, 8, 0, 2040);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len),
	    DECODE_TRUNCATED);
	free(p);
	/* One byte of destination options left in the payload: the payload
	 * length ends inside the 2-byte extension prefix. */
	p = cat3(&len, eth6_data, IP6_TCP, dst_one, 1, NULL, 0);
	p[IP6_NH] = 60;
	put16(p + IP6_PLEN, 1);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len),
	    DECODE_MALFORMED);
	free(p);
	/* Jumbogram: payload length 0 and a hop-by-hop header. */
	p = ip6_with_ext(&len, hbh_long, 8, 0, 0);
	put16(p + IP6_PLEN, 0);
	ck_assert_int_eq(decode_packet(&s, DLT_EN10MB, p, len),
	    DECODE_MALFORMED);
	free(p);
}
END_TEST

/* Forged: IPv6 payload length against the TCP header and the capture. */
START_TEST(test_ipv6_lengths)
{
	struct segment s;
	uint8_t *b;

	/* Too short for the 32-byte TCP header. */
	ck_assert_int_eq(decode_set16(&s, &b, eth6_data, sizeof(eth6_data),
	    IP6_PLEN, 31), DECODE_MALFORMED);
	free(b);
	ck_assert_int_eq(decode_set16(&s, &b, eth6_data, sizeof(eth6_data),
	    IP6_PLEN, 0), DECODE_MALFORMED);
	free(b);
	/* Shorter than the capture: the rest is trailer. */
	ck_assert_int_eq(decode_set16(&s, &b, eth6_data, sizeof(eth6_data),
	    IP6_PLEN, 32 + 5), DECODE_OK);
	ck_assert_uint_eq(s.payload_len, 5);
	ck_assert_uint_eq(s.payload_wire_len, 5);
	free(b);
	/* Longer than the capture: payload cut. */
	ck_assert_int_eq(decode_set16(&s, &b, eth6_data, sizeof(eth6_data),
	    IP6_PLEN, 107 + 50), DECODE_OK);
	ck_assert_uint_eq(s.payload_len, 75);
	ck_assert_uint_eq(s.payload_wire_len, 125);
	free(b);
	/* Version 4 behind ethertype IPv6. */
	ck_assert_int_eq(decode_set8(&s, &b, eth6_data, sizeof(eth6_data),
	    ETH_LEN, 0x45), DECODE_MALFORMED);
	free(b);
}
END_TEST

static const int supported[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, 101, DLT_IPV4,
	DLT_IPV6, DLT_NULL, DLT_LOOP, 108,
};

START_TEST(test_link_supported)
{
	struct segment s;
	size_t i;

	for (i = 0; i < sizeof(supported) / sizeof(supported[0]); i++) {
		ck_assert(decode_link_supported(supported[i]));
		/* Nothing captured: a NULL pointer with length 0. */
		ck_assert_int_eq(decode_packet(&s, supported[i], NULL, 0),
		    DECODE_TRUNCATED);
	}
	ck_assert(!decode_link_supported(105));		/* 802.11 */
	ck_assert(!decode_link_supported(127));		/* radiotap */
	ck_assert(!decode_link_supported(-1));
	ck_assert(!decode_link_supported(100000));
}
END_TEST

START_TEST(test_status_name)
{
	ck_assert_str_eq(decode_status_name(DECODE_OK), "ok");
	ck_assert_str_eq(decode_status_name(DECODE_NOT_TCP), "not_tcp");
	ck_assert_str_eq(decode_status_name(DECODE_FRAGMENT), "fragment");
	ck_assert_str_eq(decode_status_name(DECODE_TRUNCATED), "truncated");
	ck_assert_str_eq(decode_status_name(DECODE_MALFORMED), "malformed");
	ck_assert_str_eq(decode_status_name((enum decode_status)99),
	    "unknown");
}
END_TEST

static Suite *
decode_suite(void)
{
	Suite *s;
	TCase *core, *limits;

	s = suite_create("decode");
	core = tcase_create("Core");
	tcase_add_loop_test(core, test_real, 0, NUM_REAL);
	tcase_add_loop_test(core, test_relink, 0, NUM_RELINK);
	tcase_add_test(core, test_ipv4_options);
	tcase_add_test(core, test_ipv4_trailer);
	tcase_add_test(core, test_ipv6_ext_chain);
	tcase_add_loop_test(core, test_tcp_options, 0, NUM_OPTCASES);
	tcase_add_test(core, test_link_supported);
	tcase_add_test(core, test_status_name);
	suite_add_tcase(s, core);

	limits = tcase_create("Limits");
	tcase_add_loop_test(limits, test_real_prefixes, 0, NUM_REAL);
	tcase_add_test(limits, test_fast_equals_layers);
	tcase_add_loop_test(limits, test_relink_prefixes, 0, NUM_RELINK);
	tcase_add_test(limits, test_ipv4_lengths);
	tcase_add_test(limits, test_ipv4_length_past_frame);
	tcase_add_test(limits, test_ipv4_fragment);
	tcase_add_test(limits, test_not_tcp);
	tcase_add_test(limits, test_link_other);
	tcase_add_test(limits, test_link_tags);
	tcase_add_test(limits, test_tcp_doff);
	tcase_add_test(limits, test_ipv6_ext_bad);
	tcase_add_test(limits, test_ipv6_lengths);
	suite_add_tcase(s, limits);
	return s;
}

int
main(void)
{
	return check_run(decode_suite());
}
