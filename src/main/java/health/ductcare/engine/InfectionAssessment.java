package health.ductcare.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Gathers the evidence of infection and the antibiotic that the lead time counts from. */
record InfectionAssessment(List<Evidence> evidence, MedicationInput antibiotic, List<PlanNote> notes) {

    boolean infected() {
        return !evidence.isEmpty();
    }

    static InfectionAssessment of(PlanInput input, Protocol protocol, Instant diagnosisTime, Instant now) {
        List<Evidence> evidence = new ArrayList<>();
        List<PlanNote> notes = new ArrayList<>();
        DiagnosisInput dx = input.diagnosis();
        List<Code> infectionCodes = protocol.codes().infection().matching(dx.codes());
        if (!infectionCodes.isEmpty()) {
            evidence.add(new Evidence(Evidence.Kind.INFECTION_CODE, dx.reference(),
                    "The condition is coded as infective mastitis: " + Texts.describe(infectionCodes) + "."));
        }
        Instant lookBackStart = diagnosisTime.minus(protocol.feverLookBack());
        for (TemperatureInput t : input.temperatures()) {
            FeverPolicy.Outcome outcome = FeverPolicy.assess(t, protocol, lookBackStart, now);
            if (outcome instanceof FeverPolicy.Fever f) {
                evidence.add(new Evidence(Evidence.Kind.FEVER, t.reference(),
                        "Fever " + f.celsius().toPlainString() + " Cel (" + t.value().toPlainString() + " " + t.ucumUnit()
                                + ") at " + t.effective() + ", threshold " + protocol.feverThresholdCelsius().toPlainString()
                                + " Cel."));
            } else if (outcome instanceof FeverPolicy.Ignored i) {
                notes.add(PlanNote.info(NoteCode.TEMPERATURE_IGNORED,
                        "Temperature " + t.reference() + " ignored: " + i.why() + "."));
            }
        }
        MedicationInput antibiotic = usableAntibiotic(input.medications(), protocol.codes(), notes).orElse(null);
        if (antibiotic != null) {
            evidence.add(new Evidence(Evidence.Kind.ANTIBIOTIC, antibiotic.reference(),
                    "Antibiotic " + label(antibiotic) + " started " + antibiotic.start() + "."));
        }
        return new InfectionAssessment(evidence, antibiotic, notes);
    }

    private static Optional<MedicationInput> usableAntibiotic(List<MedicationInput> meds, ProtocolCodeSets codes,
                                                              List<PlanNote> notes) {
        List<MedicationInput> usable = new ArrayList<>();
        for (MedicationInput med : meds) {
            if (!AntibioticPolicy.isAntibiotic(med, codes)) {
                continue;
            }
            Optional<String> why = AntibioticPolicy.whyIgnored(med, codes);
            if (why.isPresent()) {
                notes.add(PlanNote.warning(NoteCode.ANTIBIOTIC_IGNORED,
                        "Antibiotic " + label(med) + " ignored: " + why.get() + "."));
            } else {
                usable.add(med);
            }
        }
        return usable.stream().min(Comparator.comparing(MedicationInput::start));
    }

    static String label(MedicationInput med) {
        String name = med.text() == null || med.text().isBlank() ? Texts.describe(med.codes()) : med.text();
        return med.reference() == null ? name : name + " (" + med.reference() + ")";
    }
}
