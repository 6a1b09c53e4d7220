package io.attribution.ingest;

import io.attribution.campaigns.IpAllowList;

import java.util.List;

/**
 * Who is really calling: the peer address, unless the peer is one of our own proxies, in which
 * case the nearest address in X-Forwarded-For that is not one of our proxies. Anything a client
 * writes in that header is ignored when the peer is not a trusted proxy. Both the rate limit and
 * the campaigns' allow-lists key on this address.
 */
final class ClientAddress {

    private final IpAllowList trustedProxies;
    private final boolean anyTrusted;

    /** @param trustedProxies IPs and CIDR ranges of the load balancers in front of ingest */
    ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = IpAllowList.of(trustedProxies);
        this.anyTrusted = !trustedProxies.isEmpty();
    }

    /**
     * X-Forwarded-For sent over several header lines, as one list: the lines joined with commas in
     * order (RFC 9110 5.3), as a proxy that appends a line instead of extending the last one means.
     *
     * @return null when there is no such header
     */
    static String forwardedFor(List<String> headerLines) {
        return headerLines.isEmpty() ? null : String.join(",", headerLines);
    }

    /** @param forwardedFor every X-Forwarded-For line, joined by {@link #forwardedFor(List)} */
    String resolve(String peer, String forwardedFor) {
        if (!anyTrusted || forwardedFor == null || !trustedProxies.allows(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        // Right to left: each trusted proxy appended the address it received the request from.
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (!trustedProxies.allows(hop)) {
                return IpAllowList.parseLiteral(hop).isPresent() ? hop : peer;
            }
        }
        return hops[0].strip();
    }
}
