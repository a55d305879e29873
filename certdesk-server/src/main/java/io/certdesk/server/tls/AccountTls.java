package io.certdesk.server.tls;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the TLS edge knows of one account: its domains, its TLS bindings and its TLS_SERVER chains. */
record AccountTls(String accountId, Set<String> domains, Map<String, String> bindings, List<ServedChain> chains) {
    AccountTls {
        domains = Set.copyOf(domains);
        bindings = Map.copyOf(bindings);
        chains = List.copyOf(chains);
    }
}
