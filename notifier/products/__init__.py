"""The organisation's register of products with digital elements: name, version and the member states where each
is made available. A duty declared for a product (a field of type `product` in a workflow) names one of them."""
