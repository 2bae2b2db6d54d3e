package health.ductcare.security;

import static org.assertj.core.api.Assertions.assertThat;

import health.ductcare.security.SmartScope.Context;
import health.ductcare.security.SmartScope.Permission;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Scope parsing: SMART v2 letters, v1 words, wildcards, and what grants nothing. */
class SmartScopeTest {

    @Test
    void v2LettersInCanonicalOrder() {
        SmartScope scope = SmartScope.parse("patient/Condition.rs").orElseThrow();
        assertThat(scope.context()).isEqualTo(Context.PATIENT);
        assertThat(scope.resourceType()).isEqualTo("Condition");
        assertThat(scope.permissions()).containsExactlyInAnyOrder(Permission.READ, Permission.SEARCH);
        assertThat(SmartScope.parse("user/*.cruds").orElseThrow().permissions())
                .isEqualTo(EnumSet.allOf(Permission.class));
        assertThat(SmartScope.parse("system/Observation.cud").orElseThrow().permissions())
                .containsExactlyInAnyOrder(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
    }

    @Test
    void v1WordsMapToV2() {
        assertThat(SmartScope.parse("user/Patient.read").orElseThrow().permissions())
                .containsExactlyInAnyOrder(Permission.READ, Permission.SEARCH);
        assertThat(SmartScope.parse("patient/Observation.write").orElseThrow().permissions())
                .containsExactlyInAnyOrder(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
        assertThat(SmartScope.parse("system/*.*").orElseThrow().permissions()).isEqualTo(EnumSet.allOf(Permission.class));
    }

    @Test
    void whatGrantsNothing() {
        for (String text : new String[] {"openid", "fhirUser", "launch/patient", "offline_access", "user/Patient.sr",
                "user/Patient.rs?gender=female", "admin/Patient.read", "user/patient.read", "user/Patient.",
                "user/Patient.x", "", "user/*.rrs"}) {
            assertThat(SmartScope.parse(text)).as(text).isEmpty();
        }
    }

    @Test
    void wildcardsCoverEveryTypeButTheAuditTrail() {
        SmartScope all = SmartScope.parse("user/*.rs").orElseThrow();
        assertThat(all.grants("Condition", Permission.READ)).isTrue();
        assertThat(all.grants("AuditEvent", Permission.READ)).isFalse();
        assertThat(all.grants("Condition", Permission.CREATE)).isFalse();
        assertThat(SmartScope.parse("user/AuditEvent.rs").orElseThrow().grants("AuditEvent", Permission.SEARCH)).isTrue();
        assertThat(SmartScope.parse("patient/AuditEvent.rs").orElseThrow().grants("AuditEvent", Permission.SEARCH))
                .isFalse();
        assertThat(SmartScope.parse("user/Condition.rs").orElseThrow().grants("Observation", Permission.READ)).isFalse();
    }
}
