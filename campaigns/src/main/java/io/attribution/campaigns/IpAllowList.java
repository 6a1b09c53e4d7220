package io.attribution.campaigns;

import org.eclipse.jetty.util.InetAddressSet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An advertiser's allowed addresses: exact IPs and CIDR ranges, IPv4 and IPv6. An empty list
 * allows every address.
 */
public final class IpAllowList {

    private static final Pattern IPV4 = Pattern.compile(
            "^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");

    private final InetAddressSet allowed = new InetAddressSet();
    private final boolean open;

    private IpAllowList(List<String> entries) {
        entries.forEach(allowed::add);
        this.open = entries.isEmpty();
    }

    /** @throws IllegalArgumentException naming the first entry that is not an IP or a CIDR range */
    public static IpAllowList of(List<String> entries) {
        for (String entry : entries) {
            try {
                new InetAddressSet().add(entry);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
            }
        }
        return new IpAllowList(entries);
    }

    public boolean allows(String address) {
        if (open) {
            return true;
        }
        return parseLiteral(address).map(allowed::test).orElse(false);
    }

    /**
     * An IP literal, never a host name: the address may come from a forwarded-for header, and a
     * name would make us resolve whatever a client writes there.
     */
    public static Optional<InetAddress> parseLiteral(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String literal = address.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
