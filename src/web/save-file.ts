/**
 * API downloads need the Authorization header, so a plain link cannot fetch them: the bytes are
 * fetched, then handed to the browser's save dialog under the file's own name.
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the save in some browsers; a minute is ample to start it.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
