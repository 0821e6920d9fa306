"""Each center's monthly warranty statement (DESIGN §9): prepare, dispute, approve (writes in
`services`), read (`selectors`), export (`xlsx`)."""
