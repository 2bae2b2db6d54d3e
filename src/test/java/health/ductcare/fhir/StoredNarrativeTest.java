package health.ductcare.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import health.ductcare.engine.Protocol;
import health.ductcare.service.CarePlanPlanner;
import health.ductcare.testsupport.Fhir;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * A stored plan parsed without its narrative must compare exactly as the whole plan does: the same plan is the
 * same, and any difference, in the narrative or elsewhere, is a difference.
 */
class StoredNarrativeTest {

    private static final Protocol PROTOCOL = Fhir.defaultProtocol().protocol();
    private static final Instant RECEIVED = Instant.parse("2025-01-15T16:00:00Z");
    private static final Instant NOW = Instant.parse("2025-01-15T15:00:00Z");

    private static CarePlan plan(String condition, List<String> medicationRequests) {
        Condition diagnosis = Fhir.parse(Condition.class, "fixtures/" + condition);
        List<MedicationRequest> orders = medicationRequests.stream()
                .map(name -> Fhir.parse(MedicationRequest.class, "fixtures/" + name)).toList();
        CarePlan plan = CarePlanPlanner.plan(PROTOCOL, diagnosis, List.of(), new Reference("Patient/p1"), orders,
                reference -> null, List.of(), RECEIVED, null, NOW).carePlan().orElseThrow();
        plan.setId("careplan-" + diagnosis.getIdElement().getIdPart());
        plan.getMeta().setVersionId("3");
        return plan;
    }

    private static IParser parser() {
        return Fhir.CTX.newJsonParser();
    }

    private static CarePlan parsed(StoredNarrative split) {
        return parser().parseResource(CarePlan.class, split.json());
    }

    @Test
    void aStoredPlanSplitAndParsedIsTheSamePlanWithoutItsNarrative() {
        record Inputs(String condition, List<String> medicationRequests) {
        }
        for (Inputs inputs : List.of(new Inputs("condition-blocked-duct.json", List.of()),
                new Inputs("condition-mastitis.json", List.of()),
                new Inputs("condition-mastitis.json", List.of("medicationrequest-cephalexin.json")))) {
            String json = parser().encodeResourceToString(plan(inputs.condition(), inputs.medicationRequests()));
            StoredNarrative split = StoredNarrative.split(json).orElseThrow();

            CarePlan whole = parser().parseResource(CarePlan.class, json);
            CarePlan withoutNarrative = parsed(split);
            assertThat(withoutNarrative.hasText()).isFalse();
            assertThat(split.sameAs(whole.getText())).isTrue();
            whole.setText(null);
            assertThat(withoutNarrative.equalsDeep(whole)).isTrue();
            CarePlan replanned = plan(inputs.condition(), inputs.medicationRequests());
            assertThat(ResourceContent.same(withoutNarrative, split, replanned)).isTrue();
        }
    }

    @Test
    void anyDifferenceInTheNarrativeOrTheRestIsADifference() {
        CarePlan stored = plan("condition-mastitis.json", List.of());
        StoredNarrative split = StoredNarrative.split(parser().encodeResourceToString(stored)).orElseThrow();

        CarePlan otherStatus = plan("condition-mastitis.json", List.of());
        otherStatus.getText().setStatus(Narrative.NarrativeStatus.ADDITIONAL);
        assertThat(ResourceContent.same(parsed(split), split, otherStatus)).isFalse();

        CarePlan otherText = plan("condition-mastitis.json", List.of());
        otherText.getText().getDiv().addTag("p").addText("Reviewed <by> Dr. Ø & co.");
        assertThat(ResourceContent.same(parsed(split), split, otherText)).isFalse();

        CarePlan otherContent = plan("condition-mastitis.json", List.of());
        otherContent.getActivityFirstRep().getDetail().setDescription("changed");
        assertThat(ResourceContent.same(parsed(split), split, otherContent)).isFalse();

        CarePlan withoutNarrative = plan("condition-mastitis.json", List.of());
        withoutNarrative.setText(null);
        assertThat(ResourceContent.same(parsed(split), split, withoutNarrative)).isFalse();
    }

    @Test
    void markupAndCharactersThatJsonEscapesCompareAsTheyWereStored() {
        CarePlan stored = plan("condition-blocked-duct.json", List.of());
        stored.getText().getDiv().addTag("p").addText("Temp \"38.5\" <high> & rising: 5 \u00b0C \u2013 \ud83d\ude42");
        StoredNarrative split = StoredNarrative.split(parser().encodeResourceToString(stored)).orElseThrow();

        CarePlan again = plan("condition-blocked-duct.json", List.of());
        again.getText().getDiv().addTag("p").addText("Temp \"38.5\" <high> & rising: 5 \u00b0C \u2013 \ud83d\ude42");
        assertThat(ResourceContent.same(parsed(split), split, again)).isTrue();
    }

    @Test
    void theComparisonLeavesBothResourcesAsItFoundThem() {
        CarePlan stored = plan("condition-mastitis.json", List.of());
        StoredNarrative split = StoredNarrative.split(parser().encodeResourceToString(stored)).orElseThrow();
        CarePlan storedWithoutNarrative = parsed(split);
        CarePlan candidate = plan("condition-mastitis.json", List.of());
        String storedBefore = parser().encodeResourceToString(storedWithoutNarrative);
        String candidateBefore = parser().encodeResourceToString(candidate);

        ResourceContent.same(storedWithoutNarrative, split, candidate);

        assertThat(parser().encodeResourceToString(storedWithoutNarrative)).isEqualTo(storedBefore);
        assertThat(parser().encodeResourceToString(candidate)).isEqualTo(candidateBefore);
    }

    @Test
    void onlyTheTopLevelNarrativeIsTakenOutWhateverTheLayout() {
        String json = """
                {
                  "text" : { "status" : "generated", "div" : "<div xmlns=\\"http://www.w3.org/1999/xhtml\\">x</div>" } ,
                  "resourceType" : "CarePlan",
                  "status" : "active", "intent" : "plan",
                  "category" : [ { "text" : "kept" } ],
                  "subject" : { "reference" : "Patient/p1" }
                }""";
        StoredNarrative split = StoredNarrative.split(json).orElseThrow();
        CarePlan plan = parser().parseResource(CarePlan.class, split.json());

        assertThat(split.status()).isEqualTo("generated");
        assertThat(split.div()).isEqualTo("<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>");
        assertThat(plan.hasText()).isFalse();
        assertThat(plan.getCategoryFirstRep().getText()).isEqualTo("kept");
        assertThat(plan.getSubject().getReference()).isEqualTo("Patient/p1");
    }

    @Test
    void aNarrativeWithMoreThanStatusAndDivOrNoneAtAllIsNotSplit() {
        assertThat(StoredNarrative.split("""
                {"resourceType":"CarePlan","text":{"id":"n1","status":"generated","div":"<div>x</div>"}}"""))
                .isEmpty();
        assertThat(StoredNarrative.split("""
                {"resourceType":"CarePlan","text":{"extension":[{"url":"u","valueString":"v"}],"div":"<div>x</div>"}}"""))
                .isEmpty();
        assertThat(StoredNarrative.split("{\"resourceType\":\"CarePlan\",\"status\":\"active\"}")).isEmpty();
        assertThat(StoredNarrative.split("not json")).isEmpty();
    }
}
