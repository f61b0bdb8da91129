// The tasks module's public face: what other modules may call. Generated work goes through createGeneratedTasks
// (one routing rule for every generator); a task created on a person's behalf through createTask.
export {
  closeGeneratedTasks,
  createGeneratedTasks,
  type GeneratedTaskRows,
  reassignOpenTasks,
  type TaskRouting,
} from './generated.ts';
export { createTask, END_OF_WEEK } from './service.ts';
