// OWL 2 DL check of an ontology document, as the OWL API (Protégé's library) and HermiT see it.
//
// Run by iacml/dlcheck.py with the HermiT.jar that the PyPI package owlready2 ships (it holds
// HermiT and the OWL API 3), through Java's source-file launcher (no compiler step):
//     java -cp HermiT.jar DlCheck.java FILE
// Prints one line per OWL 2 DL profile violation ("violation: ..."), then, unless the
// ontology failed to load, "consistent: true|false" and one "unsatisfiable: IRI" line per
// unsatisfiable named class other than owl:Nothing, then "axioms: N".
import java.io.File;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLClass;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class DlCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
            System.out.println("violation: " + v.toString().replace('\n', ' '));
        }
        // HermiT's default configuration: a literal outside the OWL 2 datatype map is an error.
        Reasoner reasoner = new Reasoner(ontology);
        boolean consistent = reasoner.isConsistent();
        System.out.println("consistent: " + consistent);
        if (consistent) {
            for (OWLClass c : reasoner.getUnsatisfiableClasses().getEntitiesMinusBottom()) {
                System.out.println("unsatisfiable: " + c.getIRI());
            }
        }
        System.out.println("axioms: " + ontology.getAxiomCount());
    }
}
