package io.certdesk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.server.account.AccountType;
import io.certdesk.server.outbound.CheckProtocol;
import org.junit.jupiter.api.Test;

class InputsTest {
    @Test
    void everyEnumFieldIsReadByOneCaseRule() {
        assertThat(Inputs.enumValue(AccountType.class, "vendor", "type")).isEqualTo(AccountType.VENDOR);
        assertThat(Inputs.enumValue(CheckProtocol.class, "ldaps", "protocol")).isEqualTo(CheckProtocol.LDAPS);
        assertThat(Inputs.enumValue(CheckProtocol.class, "LDAP_STARTTLS", "protocol"))
                .isEqualTo(CheckProtocol.LDAP_STARTTLS);
        assertThat(Inputs.enumValue(AccountType.class, null, "type")).isNull();
    }

    @Test
    void aValueThatIsNoneOfTheConstantsNamesTheFieldAndTheChoices() {
        assertThatThrownBy(() -> Inputs.enumValue(AccountType.class, "reseller", "type"))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                    assertThat(e.details()).containsEntry("field", "type");
                    assertThat(e.getMessage()).contains("'reseller'").contains("VENDOR, CUSTOMER");
                });
        assertThatThrownBy(() -> Inputs.requiredEnum(CheckProtocol.class, null, "protocol"))
                .isInstanceOfSatisfying(
                        ServiceException.class, e -> assertThat(e.getMessage()).contains("protocol is required"));
    }

    @Test
    void domainsAreReadByTheCoresNormalizerAndRefusedAsTheFieldsFault() {
        assertThat(Inputs.domain("Print.Example.COM", "domain")).isEqualTo("print.example.com");
        assertThatThrownBy(() -> Inputs.domain("localhost", "domain"))
                .isInstanceOfSatisfying(
                        ServiceException.class, e -> assertThat(e.details()).containsEntry("field", "domain"));
    }
}
