package health.ductcare.operation;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.ductcare.engine.PlanNote;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;

/** The answer when the protocol makes no plan: 422 with the engine's explanation, one issue per note. */
final class PlanOutcomes {

    private PlanOutcomes() {
    }

    static UnprocessableEntityException noPlan(String summary, List<PlanNote> notes) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.BUSINESSRULE).setDiagnostics(summary);
        for (PlanNote note : notes) {
            outcome.addIssue()
                    .setSeverity(note.severity() == PlanNote.Severity.WARNING
                            ? OperationOutcome.IssueSeverity.WARNING : OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.BUSINESSRULE)
                    .setDiagnostics(note.text());
        }
        return new UnprocessableEntityException(summary, outcome);
    }
}
