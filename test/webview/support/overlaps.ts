// Which text boxes of a page cover each other: the layout tests collect the boxes in the page
// and pair them here.

export interface TextBox {
  name: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** `a × b` for every pair of boxes that intersect by more than `slack` pixels each way. */
export function overlappingPairs(boxes: readonly TextBox[], slack = 0.5): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.left + slack < b.right && b.left + slack < a.right && a.top + slack < b.bottom && b.top + slack < a.bottom) out.push(`${a.name} × ${b.name}`);
    }
  }
  return out;
}
