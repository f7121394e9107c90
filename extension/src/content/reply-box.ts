// Puts a suggested reply into the site's reply box the way typing would, so the
// site's framework (React, Draft.js, ProseMirror …) notices the change.

function setNativeValue(field: HTMLTextAreaElement | HTMLInputElement, text: string): void {
  // React tracks `value` on the instance; the prototype's setter bypasses its tracker.
  const prototype = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(prototype, "value")?.set;
  if (setter) setter.call(field, text);
  else field.value = text;
}

/** True when a reply box was found and filled. */
export function insertIntoReplyBox(selector: string | null, text: string): boolean {
  if (selector === null) return false;
  let box: Element | null;
  try {
    box = document.querySelector(selector);
  } catch {
    return false;
  }
  if (box instanceof HTMLTextAreaElement || box instanceof HTMLInputElement) {
    box.focus();
    setNativeValue(box, text);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }
  if (box instanceof HTMLElement && box.isContentEditable !== false) {
    box.focus();
    // execCommand is deprecated but it is the one way editors see real input.
    const inserted = typeof document.execCommand === "function" && document.execCommand("insertText", false, text);
    if (!inserted) {
      box.textContent = text;
      box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: text }));
    }
    return true;
  }
  return false;
}
