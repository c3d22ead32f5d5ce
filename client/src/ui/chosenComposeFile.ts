/**
 * workspaceState key of the Compose file chosen for "Start Inference Stack" (absolute path). The stack controller
 * sets it; the cold-start store reads it to send the server the measurements of that file.
 */
export const COMPOSE_FILE_KEY = 'inferenceStack.composeFile';
