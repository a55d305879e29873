package io.certdesk.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.OnBothDatabases;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A name under a domain another vendor's account owns belongs to that vendor's accounts: no other
 * vendor's account may claim it (nor a parent of it), so the platform CA never issues for it and
 * the edge never serves another tenant's chain for it.
 */
class NestedDomainsTest extends OnBothDatabases {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private static List<String> domains(String account) {
        List<String> out = new java.util.ArrayList<>();
        server.admin()
                .get("/api/v1/accounts/" + account + "/domains")
                .assertStatus(200)
                .json()
                .path("domains")
                .forEach(d -> out.add(d.asText()));
        return out;
    }

    @Test
    void aNameUnderAnotherVendorsDomainIsRefusedAndNothingIsStored() {
        int n = NEXT.incrementAndGet();
        String zone = "vendorb-" + n + "-" + System.nanoTime() % 100_000 + ".test";
        String vendorA = server.admin().createVendor("Vendor A " + n);
        String customerOfA = server.admin().createCustomer("Customer of A " + n, vendorA);
        String vendorB = server.admin().createVendor("Vendor B " + n);
        String customerOfB = server.admin().createCustomer("Customer of B " + n, vendorB);
        server.admin().setDomains(vendorB, zone);
        server.admin().setDomains(customerOfA, "print-" + n + ".a.test");

        var refused = server.admin()
                .put(
                        "/api/v1/accounts/" + customerOfA + "/domains",
                        Map.of("domains", List.of("print-" + n + ".a.test", "evil." + zone)))
                .assertProblem(409, "domain_taken");
        assertThat(refused.json().path("domains").toString()).contains("evil." + zone);
        assertThat(domains(customerOfA)).containsExactly("print-" + n + ".a.test");
        server.admin()
                .put("/api/v1/accounts/" + vendorA + "/domains", Map.of("domains", List.of("deep.evil." + zone)))
                .assertProblem(409, "domain_taken");
        assertThat(domains(vendorA)).isEmpty();

        // the owner's own accounts may use names under it
        server.admin().setDomains(customerOfB, "shop." + zone);
        assertThat(domains(customerOfB)).containsExactly("shop." + zone);
    }

    @Test
    void aParentOfAnotherVendorsNameIsRefusedToo() {
        int n = NEXT.incrementAndGet();
        String zone = "parent-" + n + "-" + System.nanoTime() % 100_000 + ".test";
        String vendorA = server.admin().createVendor("Parent A " + n);
        String customerOfA = server.admin().createCustomer("Parent customer " + n, vendorA);
        String vendorB = server.admin().createVendor("Parent B " + n);
        server.admin().setDomains(customerOfA, "shop." + zone);
        server.admin()
                .put("/api/v1/accounts/" + vendorB + "/domains", Map.of("domains", List.of(zone)))
                .assertProblem(409, "domain_taken");
        assertThat(domains(vendorB)).isEmpty();
        server.admin().setDomains(vendorA, zone);
        assertThat(domains(vendorA)).containsExactly(zone);
    }
}
