// Crash and resume on the postgres store: the suite is shared with the other store's file.
import { describeResume } from "./resume-suite.js";

describeResume("postgres");
