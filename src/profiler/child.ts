/** Entry of the profiler child process (bundled as dist/profiler-child.js): see child-process.ts. */
import { runProfilerChild } from './child-process';

runProfilerChild();
