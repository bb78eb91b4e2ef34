/* tc (cls_bpf, direct-action) programs that add and remove 802.1Q / 802.1ad
 * tags on a veth, for the link-vlan / link-qinq captures.
 *
 * Why: the capture host's kernel is built without CONFIG_VLAN_8021Q, so
 * `ip link add ... type vlan` is not available. The kernel's own
 * skb_vlan_push()/skb_vlan_pop() (BPF helpers 18 and 19) still work, so the
 * tags are real: they are added by the kernel on egress, seen by tcpdump
 * on both ends, and removed by the kernel on ingress before IP sees the
 * packet. Built with: clang -O2 -target bpf -c vlan-tag.bpf.c
 * No headers: this must build with nothing but clang.
 */
typedef unsigned short u16;
static long (*skb_vlan_push)(void *ctx, u16 proto, u16 tci) = (void *)18;
static long (*skb_vlan_pop)(void *ctx) = (void *)19;
#define HTONS(x) ((u16)((((x) & 0xff) << 8) | (((x) >> 8) & 0xff)))

/* egress: one 802.1Q tag, VLAN 100 */
__attribute__((section("push1q"), used)) int f_push1q(void *skb)
{
	skb_vlan_push(skb, HTONS(0x8100), 100);
	return 0; /* TC_ACT_OK */
}

/* egress: QinQ, inner 802.1Q VLAN 100, outer 802.1ad S-VLAN 200 */
__attribute__((section("pushqinq"), used)) int f_pushqinq(void *skb)
{
	skb_vlan_push(skb, HTONS(0x8100), 100);
	skb_vlan_push(skb, HTONS(0x88a8), 200);
	return 0;
}

/* ingress: remove up to two tags */
__attribute__((section("pop"), used)) int f_pop(void *skb)
{
	skb_vlan_pop(skb);
	skb_vlan_pop(skb);
	return 0;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
