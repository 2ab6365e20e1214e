/** The drag-and-drop type palette items carry their kind id in (the canvas accepts only this). */
export const KIND_MIME = 'application/x-underlay-kind';
