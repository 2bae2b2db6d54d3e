package health.ductcare.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;

/** The AuditEvents one answered request becomes: plain JUnit over {@link AuditTrail#toAuditEvents}. */
class AuditTrailEventsTest {

    private static final Date RECORDED = new Date(0);
    private static final String REQUEST_ID = "req-1";
    private static final FhirRequest TRANSACTION = FhirRequest.of("POST", "");
    private static final AuditTrail.Requestor CLINICIAN =
            new AuditTrail.Requestor("clinician-1", "portal", false);

    private static List<AuditEvent> events(AuditTrail.Entry entry) {
        return AuditTrail.toAuditEvents(entry, REQUEST_ID, RECORDED);
    }

    private static AuditTrail.Entry bundle(String kind, int status, List<BundleEntryAccess> entries) {
        return new AuditTrail.Entry(TRANSACTION, CLINICIAN, null, null, null, status,
                new AuditTrail.BundleAccess(kind, entries));
    }

    private static AuditEvent.AuditEventEntityComponent data(AuditEvent event) {
        return event.getEntity().stream().filter(e -> "2".equals(e.getType().getCode())).findFirst()
                .orElseThrow(() -> new AssertionError("no data entity"));
    }

    private static List<String> subtypes(AuditEvent event) {
        return event.getSubtype().stream().map(Coding::getCode).toList();
    }

    @Test
    void aTransactionIsOneAuditEventPerEntryNamingTheVersionItWroteOrRead() {
        List<AuditEvent> events = events(bundle("transaction", 200, List.of(
                new BundleEntryAccess(Interaction.CREATE, "Condition", "c1", 1, 201),
                new BundleEntryAccess(Interaction.UPDATE, "Patient", "p1", 3, 200),
                new BundleEntryAccess(Interaction.DELETE, "Observation", "o1", 2, 204),
                new BundleEntryAccess(Interaction.READ, "Patient", "p2", 5, 200),
                new BundleEntryAccess(Interaction.SEARCH, "Condition", null, null, 200))));

        assertThat(events).hasSize(5);
        assertThat(events).extracting(e -> data(e).getWhat().getReference()).containsExactly(
                "Condition/c1/_history/1", "Patient/p1/_history/3", "Observation/o1/_history/2",
                "Patient/p2/_history/5", "Condition");
        assertThat(events).extracting(e -> e.getAction().toCode()).containsExactly("C", "U", "D", "R", "E");
        assertThat(events).extracting(AuditTrailEventsTest::subtypes).containsExactly(
                List.of("create", "transaction"), List.of("update", "transaction"), List.of("delete", "transaction"),
                List.of("read", "transaction"), List.of("search-type", "transaction"));
        assertThat(events).allSatisfy(event -> {
            assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
            assertThat(event.getType().getCode()).isEqualTo("rest");
            assertThat(data(event).getType().getSystem())
                    .isEqualTo("http://terminology.hl7.org/CodeSystem/audit-entity-type");
            assertThat(data(event).getDetailFirstRep().getValue().primitiveValue()).isEqualTo(REQUEST_ID);
        });
        // A resource instance plays the BALP data role "Domain Resource"; a searched type names no instance.
        assertThat(events.subList(0, 4)).allSatisfy(event -> {
            assertThat(data(event).getRole().getSystem()).isEqualTo("http://terminology.hl7.org/CodeSystem/object-role");
            assertThat(data(event).getRole().getCode()).isEqualTo("4");
        });
        assertThat(data(events.get(4)).hasRole()).isFalse();
    }

    @Test
    void aBatchEntryThatFailedIsRecordedWithItsOwnOutcomeAndTheTargetItAskedFor() {
        List<AuditEvent> events = events(bundle("batch", 200, List.of(
                new BundleEntryAccess(Interaction.CREATE, "Condition", "c1", 1, 201),
                new BundleEntryAccess(Interaction.READ, "Patient", "missing", null, 404),
                new BundleEntryAccess(Interaction.UPDATE, "Condition", "c2", null, 500))));

        assertThat(events).extracting(AuditTrailEventsTest::subtypes)
                .allSatisfy(codes -> assertThat(codes).endsWith("batch"));
        assertThat(events).extracting(AuditEvent::getOutcome).containsExactly(AuditEvent.AuditEventOutcome._0,
                AuditEvent.AuditEventOutcome._4, AuditEvent.AuditEventOutcome._8);
        assertThat(events).extracting(AuditEvent::getOutcomeDesc).containsExactly("HTTP 201", "HTTP 404", "HTTP 500");
        assertThat(data(events.get(1)).getWhat().getReference()).isEqualTo("Patient/missing");
    }

    @Test
    void aBundleRefusedAsAWholeIsOneFailureEventOfItsKind() {
        List<AuditEvent> events = events(bundle("batch", 422, List.of()));

        assertThat(events).hasSize(1);
        assertThat(subtypes(events.get(0))).containsExactly("batch");
        assertThat(events.get(0).getAction().toCode()).isEqualTo("E");
        assertThat(events.get(0).getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(events.get(0).getEntity()).noneMatch(AuditEvent.AuditEventEntityComponent::hasWhat);
    }

    @Test
    void aPatientTokensCompartmentIsNamedOnEveryEntryEvent() {
        AuditTrail.Entry entry = new AuditTrail.Entry(TRANSACTION, CLINICIAN, "p9", null, null, 200,
                new AuditTrail.BundleAccess("transaction", List.of(
                        new BundleEntryAccess(Interaction.CREATE, "Condition", "c1", 1, 201),
                        new BundleEntryAccess(Interaction.CREATE, "Observation", "o1", 1, 201))));

        assertThat(events(entry)).allSatisfy(event -> assertThat(event.getEntity())
                .anySatisfy(entity -> {
                    assertThat(entity.getWhat().getReference()).isEqualTo("Patient/p9");
                    assertThat(entity.getRole().getCode()).isEqualTo("1");
                }));
    }

    @Test
    void aSingleReadNamesTheVersionItReturned() {
        AuditTrail.Entry read = new AuditTrail.Entry(FhirRequest.of("GET", "Patient/p1"), CLINICIAN, null, null, 7,
                200, null);

        List<AuditEvent> events = events(read);

        assertThat(events).hasSize(1);
        assertThat(data(events.get(0)).getWhat().getReference()).isEqualTo("Patient/p1/_history/7");
        assertThat(data(events.get(0)).getRole().getCode()).isEqualTo("4");
    }
}
