package health.ductcare.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Who an AuditEvent says asked: a person through an app, or an application acting on its own. */
class AuditTrailAgentsTest {

    private static final FhirRequest READ = FhirRequest.of("GET", "Patient/p1");

    private static AuditEvent event(AuditTrail.Requestor requestor) {
        return AuditTrail.toAuditEvents(new AuditTrail.Entry(READ, requestor, null, null, null, 200, null), "req-1",
                new Date(0)).get(0);
    }

    @Test
    void aUserTokenIsTheRequestingHumanUserAndItsClientAnApplication() {
        AuditEvent event = event(new AuditTrail.Requestor("clinician-1", "portal", false));

        assertThat(event.getAgent()).hasSize(2);
        AuditEvent.AuditEventAgentComponent user = event.getAgent().get(0);
        assertThat(user.getRequestor()).isTrue();
        assertThat(user.getType().getCodingFirstRep().getCode()).isEqualTo("humanuser");
        assertThat(user.getWho().getIdentifier().getSystem()).isEqualTo(AuditTrail.SUBJECT_SYSTEM);
        assertThat(user.getWho().getIdentifier().getValue()).isEqualTo("clinician-1");
        AuditEvent.AuditEventAgentComponent client = event.getAgent().get(1);
        assertThat(client.getRequestor()).isFalse();
        assertThat(client.getType().getCodingFirstRep().getCode()).isEqualTo("110150");
        assertThat(client.getWho().getIdentifier().getValue()).isEqualTo("portal");
    }

    @Test
    void aSystemTokenIsTheRequestingApplicationWithNoHumanUser() {
        AuditEvent event = event(new AuditTrail.Requestor("backend-service", "hospital-feed", true));

        assertThat(event.getAgent()).hasSize(1);
        AuditEvent.AuditEventAgentComponent application = event.getAgent().get(0);
        assertThat(application.getRequestor()).isTrue();
        assertThat(application.getType().getCodingFirstRep().getSystem())
                .isEqualTo("http://dicom.nema.org/resources/ontology/DCM");
        assertThat(application.getType().getCodingFirstRep().getCode()).isEqualTo("110150");
        assertThat(application.getWho().getIdentifier().getSystem()).isEqualTo(AuditTrail.CLIENT_SYSTEM);
        assertThat(application.getWho().getIdentifier().getValue()).isEqualTo("hospital-feed");
        // The token's subject stays on record, as the application's alternative identity.
        assertThat(application.getAltId()).isEqualTo("backend-service");
    }

    @Test
    void aSystemTokenWithoutAClientIdIsTheApplicationItsSubjectNames() {
        AuditEvent event = event(new AuditTrail.Requestor("backend-service", null, true));

        assertThat(event.getAgent()).hasSize(1);
        AuditEvent.AuditEventAgentComponent application = event.getAgent().get(0);
        assertThat(application.getType().getCodingFirstRep().getCode()).isEqualTo("110150");
        assertThat(application.getWho().getIdentifier().getSystem()).isEqualTo(AuditTrail.SUBJECT_SYSTEM);
        assertThat(application.getWho().getIdentifier().getValue()).isEqualTo("backend-service");
        assertThat(application.hasAltId()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "system/*.cruds                      | -   | -                   | true",
            "system/Condition.c system/*.rs      | -   | -                   | true",
            "user/*.cruds                        | -   | -                   | false",
            "system/*.rs user/Patient.r          | -   | -                   | false",
            "patient/*.rs                        | p1  | -                   | false",
            "system/*.rs                         | p1  | -                   | false",
            "system/*.rs                         | -   | Practitioner/pr1    | false",
            "openid                              | -   | -                   | false"})
    void onlyATokenWithSystemScopesAloneAndNoUserOrPatientActsWithoutAUser(String scopes, String patient,
            String fhirUser, boolean application) {
        List<SmartScope> parsed = java.util.Arrays.stream(scopes.trim().split("\\s+"))
                .map(SmartScope::parse).flatMap(Optional::stream).toList();

        assertThat(SmartAuthorizationFilter.actsWithoutUser(parsed, patient, fhirUser)).isEqualTo(application);
    }
}
