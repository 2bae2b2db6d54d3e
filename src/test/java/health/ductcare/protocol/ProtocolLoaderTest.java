package health.ductcare.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.ductcare.engine.Code;
import health.ductcare.engine.Performer;
import health.ductcare.engine.Protocol;
import health.ductcare.engine.SessionStep;
import health.ductcare.engine.StepRelation;
import health.ductcare.testsupport.Fhir;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;

class ProtocolLoaderTest {

    private static final String FILE = ProtocolLoader.DEFAULT_RESOURCE;
    private static final LoadedProtocol SHIPPED = new ProtocolLoader(Fhir.CTX).loadResource(FILE, ProtocolOverrides.none());
    private final ProtocolLoader loader = new ProtocolLoader(Fhir.CTX);

    @Test
    void pinsTheRuleValuesOfTheShippedProtocol() {
        Protocol p = SHIPPED.protocol();

        assertThat(p.url()).isEqualTo("https://ductcare.health/fhir/PlanDefinition/blocked-duct-pt");
        assertThat(p.version()).isEqualTo("1.0.0");
        assertThat(p.startWithin()).isEqualTo(Duration.ofHours(48));
        assertThat(p.antibioticLeadTime()).isEqualTo(Duration.ofHours(24));
        assertThat(p.feverThresholdCelsius()).isEqualByComparingTo(new BigDecimal("38.0"));
        assertThat(p.feverLookBack()).isEqualTo(Duration.ofHours(72));
        assertThat(p.clinicHours().opens()).isEqualTo(LocalTime.of(8, 0));
        assertThat(p.clinicHours().closes()).isEqualTo(LocalTime.of(18, 0));
        assertThat(p.clinicHours().days()).isEqualTo(EnumSet.allOf(DayOfWeek.class));
        assertThat(p.clinicHours().zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(p.followUp().count()).isEqualTo(2);
        assertThat(p.followUp().interval()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void pinsTheStepsInOrderWithTheirTiming() {
        Protocol p = SHIPPED.protocol();

        assertThat(p.steps()).extracting(SessionStep::id).containsExactly("moist-heat", "ultrasound", "manual-therapy",
                "education", "postural-exercise-hydration", "trial-feed-or-pump");
        assertThat(p.steps()).extracting(s -> s.duration().toString())
                .containsExactly("PT10M", "PT8M", "PT15M", "PT10M", "PT10M", "PT20M");
        assertThat(p.steps()).extracting(SessionStep::relation).containsExactly(StepRelation.BEFORE_START,
                StepRelation.IN_SESSION, StepRelation.IN_SESSION, StepRelation.IN_SESSION, StepRelation.IN_SESSION,
                StepRelation.AFTER_END);
        SessionStep heat = p.steps().get(0);
        assertThat(heat.offset()).isEqualTo(Duration.ofMinutes(10));
        assertThat(heat.codes()).containsExactly(new Code("http://www.ama-assn.org/go/cpt", "97010"));
        assertThat(heat.activityDefinition())
                .isEqualTo("https://ductcare.health/fhir/ActivityDefinition/moist-heat|1.0.0");
        assertThat(p.steps().get(5).offset()).isZero();
        assertThat(p.steps().get(5).performer()).isEqualTo(Performer.PATIENT);
        assertThat(p.homeSteps()).extracting(h -> h.id()).containsExactly("self-treatment",
                "postural-exercises");
    }

    @Test
    void readsTheCodeSetsIncludingAtcPrefixes() {
        var codes = SHIPPED.protocol().codes();

        assertThat(codes.antibiotic().matches(new Code("http://www.whocc.no/atc", "J01DB01"))).isTrue();
        assertThat(codes.antibiotic().matches(new Code("http://www.whocc.no/atc", "D10AF01"))).isFalse();
        assertThat(codes.antibiotic().matches(new Code("http://www.nlm.nih.gov/research/umls/rxnorm", "309114")))
                .isTrue();
        assertThat(codes.abscess().matches(new Code("http://hl7.org/fhir/sid/icd-10-cm", "O91.111"))).isTrue();
        assertThat(codes.abscess().matches(new Code("http://hl7.org/fhir/sid/icd-10-cm", "O91.2"))).isFalse();
        assertThat(codes.ambiguous().matches(new Code("http://hl7.org/fhir/sid/icd-10-cm", "O92.79"))).isTrue();
        assertThat(codes.feverObservation().matches(new Code("http://loinc.org", "8310-5"))).isTrue();
        assertThat(codes.corroboratingKeywords()).contains("blocked duct", "plugged duct", "ductal narrowing");
    }

    @Test
    void loadsTheAbm36Variant() {
        LoadedProtocol abm = loader.loadResource(ProtocolLoader.ABM36_RESOURCE, ProtocolOverrides.none());

        assertThat(abm.protocol().url()).isEqualTo("https://ductcare.health/fhir/PlanDefinition/blocked-duct-pt-abm36");
        assertThat(abm.protocol().variant()).isEqualTo("ABM Protocol #36 variant");
        assertThat(abm.protocol().steps()).extracting(SessionStep::id).containsExactly("cold-pack", "ultrasound",
                "lymphatic-drainage", "education", "postural-exercise-hydration", "feed-on-demand");
    }

    @Test
    void keepsTheFhirResourcesForServing() {
        LoadedProtocol loaded = SHIPPED;

        assertThat(loaded.planDefinition().getVersion()).isEqualTo("1.0.0");
        assertThat(loaded.activityDefinitions()).hasSize(8);
        assertThat(loaded.valueSets()).hasSize(8);
        loaded.planDefinition().setVersion("changed");
        assertThat(loaded.planDefinition().getVersion()).as("copies are handed out").isEqualTo("1.0.0");
    }

    @Test
    void overridesChangeTheVersionDeterministically() {
        ProtocolOverrides overrides = new ProtocolOverrides(Map.of("ultrasound", Duration.ofMinutes(5)),
                ZoneId.of("Europe/Berlin"), LocalTime.of(9, 0), null);

        LoadedProtocol first = loader.loadResource(FILE, overrides);
        LoadedProtocol second = loader.loadResource(FILE, overrides);

        assertThat(first.protocol().version()).matches("1\\.0\\.0\\+local\\.[0-9a-f]{8}")
                .isEqualTo(second.protocol().version());
        assertThat(first.protocol().steps().get(1).duration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(first.protocol().clinicHours().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(first.protocol().clinicHours().opens()).isEqualTo(LocalTime.of(9, 0));
        assertThat(first.planDefinition().getVersion()).isEqualTo(first.protocol().version());
        assertThat(first.planDefinition().getAction().get(1).getActionFirstRep().getTimingDuration().getValue())
                .isEqualByComparingTo("5");
        assertThat(Fhir.errors(first.planDefinition())).isEmpty();
    }

    @Test
    void overridesThatChangeNothingKeepTheVersion() {
        ProtocolOverrides same = new ProtocolOverrides(Map.of("ultrasound", Duration.ofMinutes(8)),
                ZoneId.of("UTC"), LocalTime.of(8, 0), LocalTime.of(18, 0));

        assertThat(loader.loadResource(FILE, same).protocol().version()).isEqualTo("1.0.0");
    }

    @Test
    void rejectsAnOverrideForAnUnknownStep() {
        ProtocolOverrides bad = new ProtocolOverrides(Map.of("massage", Duration.ofMinutes(5)), null, null, null);

        assertThatThrownBy(() -> loader.loadResource(FILE, bad)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining(FILE).hasMessageContaining("unknown step 'massage'");
    }

    @Test
    void rejectsOpeningHoursTooShortForAVisit() {
        ProtocolOverrides bad = new ProtocolOverrides(Map.of(), null, LocalTime.of(8, 0), LocalTime.of(9, 0));

        assertThatThrownBy(() -> loader.loadResource(FILE, bad)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("a visit takes PT1H13M but the clinic is open only PT1H");
    }

    @Test
    void rejectsABundleWithoutPlanDefinition() {
        assertBroken(b -> b.getEntry().removeIf(e -> e.getResource() instanceof PlanDefinition),
                "expected exactly one PlanDefinition in the Bundle, found 0");
    }

    @Test
    void rejectsANonPositiveDuration() {
        assertBroken(b -> planDefinition(b).getAction().get(1).getActionFirstRep().getTimingDuration().setValue(0),
                "action ultrasound timingDuration: duration 0 min must be positive");
    }

    @Test
    void rejectsADurationInAnUnknownUnit() {
        assertBroken(b -> planDefinition(b).getAction().get(1).getActionFirstRep().getTimingDuration().setCode("mo"),
                "is not a whole number of s/min/h/d in UCUM");
    }

    @Test
    void rejectsADanglingDefinitionCanonical() {
        assertBroken(b -> planDefinition(b).getAction().get(0)
                        .setDefinition(new org.hl7.fhir.r4.model.CanonicalType(
                                "https://ductcare.health/fhir/ActivityDefinition/nowhere|1.0.0")),
                "definitionCanonical https://ductcare.health/fhir/ActivityDefinition/nowhere|1.0.0 does not resolve");
    }

    @Test
    void rejectsAMissingRuleExtension() {
        assertBroken(b -> planDefinition(b).getExtension()
                        .removeIf(e -> e.getUrl().equals(ProtocolExtensions.START_WITHIN)),
                "expected exactly one extension " + ProtocolExtensions.START_WITHIN + ", found 0");
    }

    @Test
    void rejectsAMissingValueSet() {
        assertBroken(b -> b.getEntry().removeIf(e -> e.getResource() instanceof org.hl7.fhir.r4.model.ValueSet vs
                        && vs.getUrl().endsWith("/trigger")),
                "value set https://ductcare.health/fhir/ValueSet/trigger|1.0.0 does not resolve");
    }

    @Test
    void rejectsTwoSessionGroups() {
        assertBroken(b -> {
            PlanDefinition pd = planDefinition(b);
            var second = pd.getAction().get(1).copy();
            second.setId("session-2");
            pd.addAction(second);
        }, "expected exactly one session group action");
    }

    @Test
    void rejectsSomethingThatIsNotFhir() {
        assertThatThrownBy(() -> loader.load("broken.json", "{\"resourceType\":\"Bundle\",\"type\":\"collection\","
                + "\"entry\":[{\"resource\":{\"resourceType\":\"PlanDefinition\",\"status\":\"nope\"}}]}",
                ProtocolOverrides.none()))
                .isInstanceOf(ProtocolException.class).hasMessageStartingWith("Protocol broken.json: ");
    }

    private void assertBroken(Consumer<Bundle> breakIt, String expectedProblem) {
        Bundle bundle = Fhir.parse(Bundle.class, FILE);
        breakIt.accept(bundle);
        String json = Fhir.CTX.newJsonParser().encodeResourceToString(bundle);

        assertThatThrownBy(() -> loader.load("broken.json", json, ProtocolOverrides.none()))
                .isInstanceOf(ProtocolException.class)
                .hasMessageStartingWith("Protocol broken.json: ")
                .hasMessageContaining(expectedProblem);
    }

    private static PlanDefinition planDefinition(Bundle bundle) {
        return (PlanDefinition) bundle.getEntry().stream().filter(e -> e.getResource() instanceof PlanDefinition)
                .findFirst().orElseThrow().getResource();
    }
}
