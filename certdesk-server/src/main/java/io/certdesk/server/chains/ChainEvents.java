package io.certdesk.server.chains;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a webhook event says of a chain: the same members in every event that names one. */
final class ChainEvents {
    private ChainEvents() {}

    static Map<String, Object> of(PrivateChain chain) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("chainId", chain.id());
        data.put("subject", chain.subject());
        data.put("sha256", chain.sha256());
        data.put("origin", chain.origin().name());
        data.put("purposes", chain.purposes().stream().map(Enum::name).sorted().toList());
        data.put("dnsNames", chain.dnsNames());
        data.put("notBefore", chain.notBefore());
        data.put("notAfter", chain.notAfter());
        return data;
    }
}
