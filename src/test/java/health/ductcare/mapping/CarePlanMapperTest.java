package health.ductcare.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import health.ductcare.engine.CarePlanEngine;
import health.ductcare.engine.PlanDecision;
import health.ductcare.engine.PlanInput;
import health.ductcare.engine.PriorActivity;
import health.ductcare.engine.Protocol;
import health.ductcare.protocol.ProtocolLoader;
import health.ductcare.protocol.ProtocolOverrides;
import health.ductcare.testsupport.Fhir;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CarePlan.CarePlanActivityComponent;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class CarePlanMapperTest {

    static final Protocol PROTOCOL = Fhir.defaultProtocol().protocol();
    static final Instant RECEIVED = Instant.parse("2025-01-15T16:00:00Z");
    /** Planned when the blocked duct is recorded (10:00 EST). */
    static final Instant NOW = Instant.parse("2025-01-15T15:00:00Z");
    static final Reference PATIENT = new Reference("Patient/p1");

    static CarePlan carePlan(String condition, List<String> meds, List<String> observations, CarePlan existing,
                             Protocol protocol, Instant now) {
        Condition c = Fhir.parse(Condition.class, "fixtures/" + condition);
        List<MedicationRequest> mrs = meds.stream()
                .map(m -> Fhir.parse(MedicationRequest.class, "fixtures/" + m)).toList();
        List<Observation> obs = observations.stream()
                .map(o -> Fhir.parse(Observation.class, "fixtures/" + o)).toList();
        Medication gel = Fhir.parse(Medication.class, "fixtures/medication-clindamycin-gel.json");
        PlanInput input = PlanInputMapper.toPlanInput(c, mrs, Map.of("Medication/clindamycin-gel", gel)::get, obs,
                RECEIVED, existing);
        PlanDecision decision = CarePlanEngine.plan(input, protocol, now);
        List<Reference> supporting = new java.util.ArrayList<>();
        mrs.forEach(m -> supporting.add(new Reference("MedicationRequest/" + m.getIdElement().getIdPart())));
        obs.forEach(o -> supporting.add(new Reference("Observation/" + o.getIdElement().getIdPart())));
        CarePlanContext ctx = CarePlanContext.of(protocol, PATIENT, new Reference("Condition/" + c.getIdElement().getIdPart()), now)
                .withSupportingInfo(supporting).withExisting(existing);
        CarePlan plan = CarePlanMapper.toCarePlan(decision, ctx).orElseThrow();
        assertThat(Fhir.errors(plan)).as("validation errors of\n" + json(plan)).isEmpty();
        return plan;
    }

    static CarePlan carePlan(String condition, List<String> meds, List<String> observations) {
        return carePlan(condition, meds, observations, null, PROTOCOL, NOW);
    }

    static String json(CarePlan plan) {
        return Fhir.CTX.newJsonParser().setPrettyPrint(true).encodeResourceToString(plan);
    }

    static CarePlanActivityComponent activity(CarePlan plan, String key) {
        return plan.getActivity().stream().filter(a -> key.equals(CarePlanMapper.activityKey(a))).findFirst()
                .orElseThrow(() -> new AssertionError("no activity " + key));
    }

    static String start(CarePlanActivityComponent a) {
        return a.getDetail().getScheduledPeriod().getStartElement().getValueAsString();
    }

    static String end(CarePlanActivityComponent a) {
        return a.getDetail().getScheduledPeriod().getEndElement().getValueAsString();
    }

    @Test
    void writesAScheduledBlockedDuctPlan() {
        CarePlan plan = carePlan("condition-blocked-duct.json", List.of(), List.of());

        assertThat(plan.getIdElement().getIdPart()).isNull();
        assertThat(plan.getStatus()).isEqualTo(CarePlan.CarePlanStatus.ACTIVE);
        assertThat(plan.getIntent()).isEqualTo(CarePlan.CarePlanIntent.PLAN);
        assertThat(plan.getInstantiatesCanonical().get(0).getValue())
                .isEqualTo(PROTOCOL.canonical())
                .startsWith("https://ductcare.health/fhir/PlanDefinition/blocked-duct-pt|1.0.0");
        assertThat(plan.getSubject().getReference()).isEqualTo("Patient/p1");
        assertThat(plan.getAddressesFirstRep().getReference()).isEqualTo("Condition/blocked-duct");
        assertThat(plan.getAuthor().getReference()).isEqualTo("Device/ductcare");
        assertThat(plan.getCreatedElement().getValueAsString()).isEqualTo("2025-01-15T15:00:00Z");
        assertThat(plan.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("91251008");
        assertThat(plan.getPeriod().getStartElement().getValueAsString()).isEqualTo("2025-01-15T15:00:00Z");
        assertThat(plan.getPeriod().getEndElement().getValueAsString()).isEqualTo("2025-01-18T15:53:00Z");
        assertThat(plan.getActivity()).hasSize(3 * 6 + 2);

        CarePlanActivityComponent heat = activity(plan, "s1-moist-heat");
        assertThat(start(heat)).isEqualTo("2025-01-15T15:00:00Z");
        assertThat(end(heat)).isEqualTo("2025-01-15T15:10:00Z");
        assertThat(heat.getDetail().getKind()).isEqualTo(CarePlan.CarePlanActivityKind.SERVICEREQUEST);
        assertThat(heat.getDetail().getCode().getCodingFirstRep().getSystem()).isEqualTo("http://www.ama-assn.org/go/cpt");
        assertThat(heat.getDetail().getCode().getCodingFirstRep().getCode()).isEqualTo("97010");
        assertThat(heat.getDetail().getStatus()).isEqualTo(CarePlan.CarePlanActivityStatus.SCHEDULED);
        assertThat(heat.getDetail().getPerformerFirstRep().getDisplay()).isEqualTo("Physiotherapist");
        assertThat(heat.getDetail().getInstantiatesCanonical().get(0).getValue())
                .isEqualTo("https://ductcare.health/fhir/ActivityDefinition/moist-heat|1.0.0");

        CarePlanActivityComponent education = activity(plan, "s1-education");
        assertThat(education.getDetail().getCode().getCoding()).extracting(c -> c.getCode())
                .containsExactly("97535", "311401005");
        assertThat(start(education)).isEqualTo("2025-01-15T15:33:00Z");

        CarePlanActivityComponent feed = activity(plan, "s3-trial-feed-or-pump");
        assertThat(start(feed)).isEqualTo("2025-01-17T15:53:00Z");
        assertThat(end(feed)).isEqualTo("2025-01-17T16:13:00Z");
        assertThat(feed.getDetail().getKind()).isEqualTo(CarePlan.CarePlanActivityKind.TASK);
        assertThat(feed.getDetail().getPerformerFirstRep().getReference()).isEqualTo("Patient/p1");

        CarePlanActivityComponent home = activity(plan, "home-postural-exercises");
        var repeat = home.getDetail().getScheduledTiming().getRepeat();
        assertThat(repeat.getFrequency()).isEqualTo(1);
        assertThat(repeat.getPeriod()).isEqualByComparingTo("1");
        assertThat(repeat.getPeriodUnit().toCode()).isEqualTo("d");
        assertThat(repeat.getBoundsPeriod().getStartElement().getValueAsString()).isEqualTo("2025-01-15T15:53:00Z");
        assertThat(repeat.getBoundsPeriod().getEndElement().getValueAsString()).isEqualTo("2025-01-18T15:53:00Z");

        assertThat(plan.getNote()).extracting(n -> n.getText())
                .anyMatch(t -> t.contains("DIAGNOSIS_TIME_SOURCE") && t.contains("Condition.recordedDate"))
                .anyMatch(t -> t.contains("PROTOCOL") && t.contains("clinic protocol"));
        String narrative = plan.getText().getDivAsString();
        assertThat(plan.getText().getStatus().toCode()).isEqualTo("generated");
        assertThat(narrative).contains("Wed 15 Jan 2025 10:00-10:10 EST").contains("2025-01-15 15:00-15:10Z")
                .contains("Moist heat");
    }

    @Test
    void schedulesAnInfectedPlanAfterTwentyFourHoursOnTheAntibiotic() {
        CarePlan plan = carePlan("condition-mastitis.json", List.of("medicationrequest-cephalexin.json"),
                List.of("observation-fever.json"));

        assertThat(plan.getStatus()).isEqualTo(CarePlan.CarePlanStatus.ACTIVE);
        assertThat(start(activity(plan, "s1-ultrasound"))).isEqualTo("2025-01-16T15:00:00Z");
        assertThat(plan.getSupportingInfo()).extracting(Reference::getReference)
                .containsExactly("MedicationRequest/cephalexin", "Observation/fever");
        assertThat(plan.getNote()).extracting(n -> n.getText())
                .anyMatch(t -> t.contains("assertedDate"))
                .anyMatch(t -> t.contains("Fever 38.5 Cel (101.3 [degF])"));
    }

    @Test
    void putsAnInfectedPlanWithoutAntibioticOnHold() {
        CarePlan plan = carePlan("condition-mastitis.json", List.of("medicationrequest-clindamycin-topical.json"),
                List.of());

        assertThat(plan.getStatus()).isEqualTo(CarePlan.CarePlanStatus.ONHOLD);
        assertThat(plan.getActivity()).allSatisfy(a -> {
            assertThat(a.getDetail().getStatus()).isEqualTo(CarePlan.CarePlanActivityStatus.ONHOLD);
            assertThat(a.getDetail().hasScheduledPeriod()).isFalse();
        });
        assertThat(plan.getNote()).extracting(n -> n.getText())
                .anyMatch(t -> t.contains("therapy waits for antibiotics: 24 h on them first"))
                .anyMatch(t -> t.contains("route 6064005"));
    }

    @Test
    void acceptsAContainedAntibiotic() {
        CarePlan plan = carePlan("condition-mastitis.json", List.of("medicationrequest-contained-dicloxacillin.json"),
                List.of());

        // validity start 2025-01-14T13:00Z + 24 h is before the diagnosis (14:30Z): heat from the diagnosis.
        assertThat(start(activity(plan, "s1-ultrasound"))).isEqualTo("2025-01-15T14:40:00Z");
    }

    @Test
    void revokesForAnAbscessAndCancelsTheOpenActivitiesOfTheStoredPlan() {
        CarePlan stored = carePlan("condition-blocked-duct.json", List.of(), List.of());
        stored.setId("cp-1");

        CarePlan plan = carePlan("condition-abscess.json", List.of(), List.of(), stored, PROTOCOL, NOW);

        assertThat(plan.getIdElement().getIdPart()).isEqualTo("cp-1");
        assertThat(plan.getStatus()).isEqualTo(CarePlan.CarePlanStatus.REVOKED);
        assertThat(plan.getActivity()).hasSize(20).allSatisfy(a ->
                assertThat(a.getDetail().getStatus()).isEqualTo(CarePlan.CarePlanActivityStatus.CANCELLED));
        assertThat(plan.getNote()).extracting(n -> n.getText()).anyMatch(t -> t.contains("refer"));
    }

    @Test
    void revokesForAnAbscessWithoutAStoredPlan() {
        CarePlan plan = carePlan("condition-abscess.json", List.of(), List.of());

        assertThat(plan.getStatus()).isEqualTo(CarePlan.CarePlanStatus.REVOKED);
        assertThat(plan.getActivity()).isEmpty();
    }

    @Test
    void completesWhenTheConditionIsResolved() {
        Condition resolved = Fhir.parse(Condition.class, "fixtures/condition-blocked-duct.json");
        resolved.getClinicalStatus().getCodingFirstRep().setCode("resolved");
        PlanDecision decision = CarePlanEngine.plan(PlanInputMapper.toPlanInput(resolved, List.of(), null, List.of(),
                RECEIVED, null), PROTOCOL, NOW);

        CarePlan plan = CarePlanMapper.toCarePlan(decision,
                CarePlanContext.of(PROTOCOL, PATIENT, new Reference("Condition/blocked-duct"), NOW)).orElseThrow();

        assertThat(plan.getStatus()).isEqualTo(CarePlan.CarePlanStatus.COMPLETED);
        assertThat(Fhir.errors(plan)).isEmpty();
    }

    @Test
    void writesNothingForANotEligibleDiagnosisWithoutAStoredPlan() {
        Condition engorgement = Fhir.parse(Condition.class, "fixtures/condition-blocked-duct.json");
        engorgement.getCode().setText("Engorgement");
        PlanDecision decision = CarePlanEngine.plan(PlanInputMapper.toPlanInput(engorgement, List.of(), null,
                List.of(), RECEIVED, null), PROTOCOL, NOW);

        assertThat(decision).isInstanceOf(PlanDecision.NotEligible.class);
        assertThat(CarePlanMapper.toCarePlan(decision,
                CarePlanContext.of(PROTOCOL, PATIENT, new Reference("Condition/blocked-duct"), NOW))).isEmpty();
    }

    @Test
    void activityKeysTimesAndClinicianStatusesSurviveAJsonRoundTrip() {
        CarePlan first = carePlan("condition-blocked-duct.json", List.of(), List.of());
        first.setId("cp-7");
        CarePlan stored = Fhir.CTX.newJsonParser().parseResource(CarePlan.class,
                Fhir.CTX.newJsonParser().encodeResourceToString(first));
        activity(stored, "s1-ultrasound").getDetail().setStatus(CarePlan.CarePlanActivityStatus.COMPLETED);

        List<PriorActivity> prior = PlanInputMapper.priorActivities(stored);
        assertThat(prior).hasSize(20);
        assertThat(prior).filteredOn(p -> p.key().equals("s1-moist-heat")).singleElement()
                .satisfies(p -> assertThat(p.start()).isEqualTo("2025-01-15T15:00:00Z"));

        Instant later = Instant.parse("2025-01-16T12:00:00Z");
        CarePlan replanned = carePlan("condition-blocked-duct.json", List.of(), List.of(), stored, PROTOCOL, later);

        assertThat(replanned.getIdElement().getIdPart()).isEqualTo("cp-7");
        assertThat(activity(replanned, "s1-ultrasound").getDetail().getStatus())
                .isEqualTo(CarePlan.CarePlanActivityStatus.COMPLETED);
        assertThat(start(activity(replanned, "s1-ultrasound"))).isEqualTo("2025-01-15T15:10:00Z");
        assertThat(activity(replanned, "s2-ultrasound").getDetail().getStatus())
                .isEqualTo(CarePlan.CarePlanActivityStatus.SCHEDULED);
    }

    @Test
    void writesTheAbm36VariantWithItsOwnSteps() {
        Protocol abm = new ProtocolLoader(Fhir.CTX).loadResource(ProtocolLoader.ABM36_RESOURCE,
                ProtocolOverrides.none()).protocol();

        CarePlan plan = carePlan("condition-blocked-duct.json", List.of(), List.of(), null, abm, NOW);

        assertThat(plan.getInstantiatesCanonical().get(0).getValue())
                .isEqualTo("https://ductcare.health/fhir/PlanDefinition/blocked-duct-pt-abm36|1.0.0");
        assertThat(start(activity(plan, "s1-cold-pack"))).isEqualTo("2025-01-15T15:00:00Z");
        assertThat(activity(plan, "s1-feed-on-demand").getDetail().getCode().hasCoding()).isFalse();
        assertThat(plan.getNote()).extracting(n -> n.getText()).anyMatch(t -> t.contains("ABM Protocol #36 variant"));
    }

    @Test
    void statesAnOverriddenProtocolVersion() {
        Protocol berlin = new ProtocolLoader(Fhir.CTX).loadResource(ProtocolLoader.DEFAULT_RESOURCE,
                new ProtocolOverrides(Map.of(), java.time.ZoneId.of("Europe/Berlin"), null, null)).protocol();

        CarePlan plan = carePlan("condition-blocked-duct.json", List.of(), List.of(), null, berlin, NOW);

        assertThat(plan.getInstantiatesCanonical().get(0).getValue()).matches(".*\\|1\\.0\\.0\\+local\\.[0-9a-f]{8}");
        assertThat(plan.getText().getDivAsString()).contains("CET");
    }
}
